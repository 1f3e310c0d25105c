package dev.lakesync.common.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${VAR}} and {@code ${VAR:-default}} references in config values; {@code $$} escapes a dollar.
 * Secrets live in the environment, never in the file.
 */
final class EnvSubstitution {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final Function<String, String> env;

  EnvSubstitution(Function<String, String> env) {
    this.env = env;
  }

  /** Resolved text, or throws {@link UnresolvedVariable} naming the first variable that is not set. */
  String resolve(String text) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    if (REFERENCE.matcher(text).replaceAll("").contains("${")) {
      throw new IllegalArgumentException("malformed variable reference (expected ${NAME} or ${NAME:-default})");
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement;
      if (matcher.group().equals("$$")) {
        replacement = "$";
      } else {
        String value = env.apply(matcher.group(1));
        if (value == null) {
          if (matcher.group(2) == null) {
            throw new UnresolvedVariable(matcher.group(1));
          }
          value = matcher.group(3);
        }
        replacement = value;
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  static final class UnresolvedVariable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String variable;

    UnresolvedVariable(String variable) {
      super("environment variable " + variable + " is not set");
      this.variable = variable;
    }
  }
}
