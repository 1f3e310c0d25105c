package dev.lakesync.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the {@code commitInfo} of a Delta table's newest commits straight from its log files: a file read where
 * {@code DeltaTable.history} plans and runs a Spark job. The log format is Delta's protocol; commit files are written
 * whole (put-if-absent), so a listed file is complete.
 *
 * <p>The newest version is found by listing the log once per table and JVM, then by looking for the commit files
 * after the newest seen: versions are consecutive, and log cleanup removes only commits older than a checkpoint, never
 * the newest. A listing grows with the log (2-4 files a commit, kept 30 days by default) and the local file system
 * reads the status of each file, while the look stays one or two file checks, and the stages ask several times a
 * batch or a pass.
 */
public final class DeltaCommits {
  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Per table path, the newest version this JVM has seen in its log. */
  private static final java.util.Map<String, Long> NEWEST_SEEN = new java.util.concurrent.ConcurrentHashMap<>();

  private DeltaCommits() {
  }

  /** A commit: its version and its {@code commitInfo}. */
  public static final class Commit {
    public final long version;
    public final JsonNode info;

    Commit(long version, JsonNode info) {
      this.version = version;
      this.info = info;
    }
  }

  /** The table's newest version in its log, or -1 when it has no commit file. */
  public static long newestVersion(SparkSession spark, String path) {
    Path log = new Path(path, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Long seen = NEWEST_SEEN.get(path);
      long newest;
      if (seen != null && fs.exists(commitFile(log, seen))) {
        newest = seen;
        while (fs.exists(commitFile(log, newest + 1))) {
          newest++;
        }
      } else {
        // The first look, or the commit seen is gone (the table was deleted and made again): list the log.
        newest = newestListed(fs, log);
      }
      if (newest < 0) {
        NEWEST_SEEN.remove(path);
      } else {
        NEWEST_SEEN.put(path, newest);
      }
      return newest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log at " + log + ": " + e.getMessage(), e);
    }
  }

  /** The newest of the table's last {@code limit} commits whose commitInfo {@code matches}, if any. */
  public static Optional<Commit> newest(SparkSession spark, String path, int limit, Predicate<JsonNode> matches) {
    long newest = newestVersion(spark, path);
    Path log = new Path(path, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (long version = newest; version >= 0 && version > newest - limit; version--) {
        JsonNode commitInfo;
        try {
          commitInfo = commitInfo(fs, commitFile(log, version));
        } catch (java.io.FileNotFoundException e) {
          break; // removed by log cleanup: no older commit is left either
        }
        if (commitInfo != null && matches.test(commitInfo)) {
          return Optional.of(new Commit(version, commitInfo));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log of " + path + ": " + e.getMessage(), e);
    }
  }

  /** When the table's commit {@code version} was made (its commitInfo timestamp, epoch ms); -1 when unknown. */
  public static long commitMillis(SparkSession spark, String path, long version) {
    Path log = new Path(path, "_delta_log");
    try {
      JsonNode commitInfo = commitInfo(log.getFileSystem(spark.sparkContext().hadoopConfiguration()),
          commitFile(log, version));
      return commitInfo == null ? -1 : commitInfo.path("timestamp").asLong(-1);
    } catch (java.io.FileNotFoundException e) {
      return -1; // removed by log cleanup
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log of " + path + ": " + e.getMessage(), e);
    }
  }

  private static Path commitFile(Path log, long version) {
    return new Path(log, String.format(java.util.Locale.ROOT, "%020d.json", version));
  }

  /**
   * The version of the table's newest checkpoint as its {@code _delta_log/_last_checkpoint} file names it, or -1 when
   * there is none yet.
   */
  public static long lastCheckpointVersion(SparkSession spark, String path) {
    Path file = new Path(new Path(path, "_delta_log"), "_last_checkpoint");
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (java.io.InputStream in = fs.open(file)) {
        return JSON.readTree(in).path("version").asLong(-1);
      }
    } catch (java.io.FileNotFoundException e) {
      return -1;
    } catch (IOException e) {
      // Delta overwrites this file in place: read while it is written, it can end early (an EOFException, no message).
      throw new UncheckedIOException("cannot read " + file + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
  }

  private static long version(Path commit) {
    return Long.parseLong(commit.getName().substring(0, 20));
  }

  /** The newest version among the log's commit files, or -1 when it has none (or there is no log). */
  private static long newestListed(FileSystem fs, Path log) {
    try {
      long newest = -1;
      for (FileStatus file : fs.listStatus(log)) {
        if (COMMIT_FILE.matcher(file.getPath().getName()).matches()) {
          newest = Math.max(newest, version(file.getPath()));
        }
      }
      return newest;
    } catch (java.io.FileNotFoundException e) {
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log at " + log + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode commitInfo(FileSystem fs, Path commit) throws IOException {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(commit), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("{\"commitInfo\"")) {
          return JSON.readTree(line).path("commitInfo");
        }
      }
      return null;
    }
  }
}
