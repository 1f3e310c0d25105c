package dev.lakesync.common.config;

import java.util.List;

/** Thrown at start-up when a pipeline config cannot be used; lists every problem found, each with its key path. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(format(source, problems));
    this.problems = List.copyOf(problems);
  }

  public static ConfigException single(String source, String problem) {
    return new ConfigException(source, List.of(problem));
  }

  /** Each problem as "key.path: what is wrong". */
  public List<String> problems() {
    return problems;
  }

  private static String format(String source, List<String> problems) {
    if (problems.size() == 1) {
      return "invalid pipeline config " + source + ": " + problems.get(0);
    }
    StringBuilder text = new StringBuilder("invalid pipeline config " + source + " (" + problems.size() + " problems):");
    for (String problem : problems) {
      text.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return text.toString();
  }
}
