package dev.lakesync.common.config;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${VAR}} and {@code ${VAR:-default}} references in config values; {@code $$} escapes a dollar.
 * Secrets live in the environment (or Key Vault), never in the file. Only the sections a stage reads need their
 * variables: elsewhere an unset one leaves its key empty and unreported ({@link #deferred}).
 */
final class EnvSubstitution {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final VariableSource env;
  /** Top-level sections whose variables must resolve; null: all of them. */
  private final Set<String> needed;
  private final Set<String> deferred = new LinkedHashSet<>();

  EnvSubstitution(VariableSource env, Set<String> needed) {
    this.env = env;
    this.needed = needed;
  }

  /**
   * Whether an unset variable at {@code keyPath} is left for another stage (recorded in {@link #deferred}) rather
   * than reported.
   */
  boolean defer(String keyPath) {
    String section = keyPath.split("[.\\[]", 2)[0];
    if (needed == null || needed.contains(section)) {
      return false;
    }
    deferred.add(keyPath);
    return true;
  }

  /** Key paths whose unset variables were left for the stages that read them. */
  Set<String> deferred() {
    return deferred;
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
        String value = env.get(matcher.group(1));
        if (value == null) {
          if (matcher.group(2) == null) {
            throw new UnresolvedVariable(matcher.group(1), env.missing(matcher.group(1)));
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

    UnresolvedVariable(String variable, String why) {
      super(why);
      this.variable = variable;
    }
  }
}
