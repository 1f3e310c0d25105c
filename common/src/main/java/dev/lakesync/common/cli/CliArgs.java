package dev.lakesync.common.cli;

import dev.lakesync.common.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Options of one lakesync subcommand: {@code --name value} and {@code --flag}; anything else is a usage error. */
public final class CliArgs {
  private final String command;
  private final Map<String, String> options = new LinkedHashMap<>();
  private final Map<String, List<String>> repeated = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  /**
   * @param valued options that take a value
   * @param flags  options that take none
   */
  public CliArgs(String command, List<String> args, Set<String> valued, Set<String> flags) {
    this.command = command;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      if (flags.contains(name) && value == null) {
        options.put(name, "true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw usage(name + " needs a value");
          }
          value = args.get(++i);
        }
        options.put(name, value);
        repeated.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
      } else {
        throw usage("unknown option " + name);
      }
    }
  }

  public UsageException usage(String message) {
    return new UsageException("lakesync " + command + ": " + message + " (see lakesync " + command + " --help)");
  }

  /** Every value of an option that may be given more than once, in order (a single-valued getter sees the last). */
  public List<String> strings(String name) {
    return repeated.getOrDefault(name, List.of());
  }

  public boolean flag(String name) {
    return options.containsKey(name);
  }

  public String string(String name, String defaultValue) {
    return options.getOrDefault(name, defaultValue);
  }

  public long longValue(String name, long defaultValue) {
    String text = options.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw usage(name + " expects a whole number, got '" + text + "'");
    }
  }

  public double number(String name, double defaultValue, double min, double max) {
    String text = options.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(text);
      if (value < min || value > max || Double.isNaN(value)) {
        throw usage(name + " expects a number from " + min + " to " + max + ", got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw usage(name + " expects a number, got '" + text + "'");
    }
  }

  /** Null when absent. */
  public Duration duration(String name) {
    String text = options.get(name);
    if (text == null) {
      return null;
    }
    return Durations.parse(text).orElseThrow(() -> usage(name + " expects a duration such as 60s, 5m or 1h, got '" + text + "'"));
  }

  public List<String> positional() {
    return positional;
  }

  /** A command-line mistake: printed without a stack trace, exit status 2. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }
}
