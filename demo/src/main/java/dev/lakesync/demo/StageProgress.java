package dev.lakesync.demo;

import java.util.Locale;

/**
 * What a stage's /metrics says so far: the items it handled in total and its latest lag. A stage started again counts
 * from zero; the total here goes on from where the earlier run left it.
 */
final class StageProgress {
  private final String stage;
  private final String totalMetric;
  private final String lagMetric;
  long total;
  Long lagMs;
  private double earlierRuns;
  private double lastScraped;

  StageProgress(String stage) {
    this.stage = stage;
    switch (stage) {
      case "capture":
        totalMetric = "lakesync_capture_changes_total";
        lagMetric = "lakesync_capture_lag_ms";
        break;
      case "process":
        totalMetric = "lakesync_process_landed_total";
        lagMetric = "lakesync_process_lag_ms";
        break;
      case "warehouse":
        totalMetric = "lakesync_warehouse_changes_loaded_total";
        lagMetric = null;
        break;
      default:
        totalMetric = "lakesync_serving_documents_sent_total";
        lagMetric = null;
    }
  }

  /** Takes one scrape of the stage's /metrics (Prometheus text) into account. */
  void accept(String metrics) {
    Double scraped = value(metrics, totalMetric);
    if (scraped != null) {
      if (scraped < lastScraped) {
        earlierRuns += lastScraped;
      }
      lastScraped = scraped;
      total = Math.round(earlierRuns + scraped);
    }
    Double lag = lagMetric == null ? null : value(metrics, lagMetric);
    if (lag != null) {
      lagMs = lag < 0 ? null : Math.round(lag);
    }
  }

  /** The sum of a metric's samples over all its labels; null when the text has none. */
  static Double value(String metrics, String name) {
    Double sum = null;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name) && (line.length() > name.length())
          && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
        sum = sum == null ? value : sum + value;
      }
    }
    return sum;
  }

  /** What {@link #total} counts. */
  String unit() {
    switch (stage) {
      case "capture":
        return "changes published";
      case "process":
        return "events landed";
      case "warehouse":
        return "changes loaded";
      default:
        return "documents sent";
    }
  }

  String describe(double ratePerSecond) {
    String what = unit();
    return String.format(Locale.ROOT, "%-9s %9d %s, %6.0f/s%s", stage, total, what, ratePerSecond,
        lagMs == null || (stage.equals("capture") && ratePerSecond == 0) ? "" : String.format(Locale.ROOT, ", lag %.1f s", lagMs / 1000.0));
  }
}
