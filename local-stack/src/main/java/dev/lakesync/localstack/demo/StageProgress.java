package dev.lakesync.localstack.demo;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a stage's log lines say so far: events handled in total and its latest lag, read from its own summary lines. */
final class StageProgress {
  private static final Pattern CAPTURE = Pattern.compile("^capture: (?:\\d+ events/s, )?(\\d+) published, .*lag (?:(\\d+) ms|n/a)");
  private static final Pattern PROCESS = Pattern.compile("^process: batch \\d+ landed=(\\d+) .*lag_ms=(-?\\d+)");
  private static final Pattern WAREHOUSE = Pattern.compile("^warehouse: loaded .*\\((\\d+) (?:rows|changes)\\)");
  private static final Pattern WAREHOUSE_TABLE = Pattern.compile("\\((\\d+) (?:rows|changes)\\)");
  private static final Pattern SERVING = Pattern.compile("^serving: (?:rebuilt|synced) (\\d+) documents");

  private final String stage;
  long total;
  Long lagMs;

  StageProgress(String stage) {
    this.stage = stage;
  }

  /** Takes one more line of the stage's log into account. */
  void accept(String line) {
    Matcher matcher;
    switch (stage) {
      case "capture":
        matcher = CAPTURE.matcher(line);
        if (matcher.find()) {
          total = Long.parseLong(matcher.group(1));
          lagMs = matcher.group(2) == null ? null : Long.parseLong(matcher.group(2));
        }
        break;
      case "process":
        matcher = PROCESS.matcher(line);
        if (matcher.find()) {
          total += Long.parseLong(matcher.group(1));
          lagMs = Long.parseLong(matcher.group(2));
        }
        break;
      case "warehouse":
        if (WAREHOUSE.matcher(line).find()) {
          Matcher tables = WAREHOUSE_TABLE.matcher(line);
          while (tables.find()) {
            total += Long.parseLong(tables.group(1));
          }
        }
        break;
      default:
        matcher = SERVING.matcher(line);
        if (matcher.find()) {
          total += Long.parseLong(matcher.group(1));
        }
    }
  }

  /** What {@link #total} counts. */
  String unit() {
    switch (stage) {
      case "capture":
        return "events published";
      case "process":
        return "events landed";
      case "warehouse":
        return "rows loaded";
      default:
        return "documents written";
    }
  }

  String describe(double ratePerSecond) {
    String what = unit();
    return String.format(Locale.ROOT, "%-9s %9d %s, %6.0f/s%s", stage, total, what, ratePerSecond,
        lagMs == null || (stage.equals("capture") && ratePerSecond == 0) ? "" : String.format(Locale.ROOT, ", lag %.1f s", lagMs / 1000.0));
  }
}
