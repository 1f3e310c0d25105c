package dev.lakesync.common;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users write in config and on the command line: 500ms, 60s, 5m, 2h. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

  private Durations() {
  }

  public static Optional<Duration> parse(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    switch (matcher.group(2)) {
      case "ms":
        return Optional.of(Duration.ofMillis(amount));
      case "s":
        return Optional.of(Duration.ofSeconds(amount));
      case "m":
        return Optional.of(Duration.ofMinutes(amount));
      default:
        return Optional.of(Duration.ofHours(amount));
    }
  }
}
