package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Lake;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Where the Delta lake lives (a local folder or an ADLS Gen2 abfss:// URL) and raw Spark settings. */
public final class LakeConfig {
  private final String root;
  private final Map<String, String> spark;
  private final Duration optimizeInterval;
  private final int optimizeMinFiles;
  private final boolean deletionVectors;

  private LakeConfig(ConfigNode node) {
    String value = node.get(Lake.ROOT);
    this.spark = node.get(Lake.SPARK);
    this.optimizeInterval = node.get(Lake.OPTIMIZE_INTERVAL);
    this.optimizeMinFiles = node.get(Lake.OPTIMIZE_MIN_FILES);
    this.deletionVectors = node.get(Lake.DELETION_VECTORS);
    if (value != null) {
      String lower = value.toLowerCase(Locale.ROOT);
      if (lower.contains("://") && !(lower.startsWith("abfss://") || lower.startsWith("abfs://") || lower.startsWith("file://"))) {
        node.problem("root", "expected a local path, file://, or abfss://container@account.dfs.core.windows.net/path, got '" + value + "'");
      } else if (lower.startsWith("abfs") && !value.matches("(?i)abfss?://[^@/]+@[^/]+\\.dfs\\.core\\.windows\\.net(/.*)?")) {
        node.problem("root", "expected abfss://container@account.dfs.core.windows.net/path, got '" + value + "'");
      }
    }
    this.root = value == null ? null : stripTrailingSlash(value);
    node.rejectUnknownKeys();
  }

  static LakeConfig from(ConfigNode node) {
    return new LakeConfig(node);
  }

  private static String stripTrailingSlash(String value) {
    return value.length() > 1 && value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  /** The lake root as written (relative local paths resolve against the working directory). */
  public String root() {
    return root;
  }

  public boolean isCloud() {
    return root.toLowerCase(Locale.ROOT).startsWith("abfs");
  }

  /** Raw Spark settings (spark.* keys without the leading "spark." of this section), applied to every Spark job. */
  public Map<String, String> spark() {
    return spark;
  }

  /**
   * How often the stream-processor compacts each validated table (Delta OPTIMIZE), while it keeps MERGEing;
   * zero turns it off.
   */
  public Duration optimizeInterval() {
    return optimizeInterval;
  }

  /**
   * The fewest files a validated table must have for the scheduled compaction to rewrite it: compacting two or three
   * files costs a table rewrite and a commit for next to nothing.
   */
  public int optimizeMinFiles() {
    return optimizeMinFiles;
  }

  /**
   * Whether the validated tables the stream-processor creates use deletion vectors: an update or delete marks the old
   * row instead of rewriting its whole file (off by default: small tables MERGE faster by rewriting).
   */
  public boolean deletionVectors() {
    return deletionVectors;
  }

  @Override
  public String toString() {
    return "LakeConfig{root=" + root + ", spark=" + spark.keySet() + ", optimizeInterval=" + optimizeInterval + "}";
  }
}
