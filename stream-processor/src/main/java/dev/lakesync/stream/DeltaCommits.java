package dev.lakesync.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 */
final class DeltaCommits {
  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaCommits() {
  }

  /** A commit: its version and its {@code commitInfo}. */
  static final class Commit {
    final long version;
    final JsonNode info;

    Commit(long version, JsonNode info) {
      this.version = version;
      this.info = info;
    }
  }

  /** The table's newest version in its log, or -1 when it has no commit file. */
  static long newestVersion(SparkSession spark, String path) {
    List<Path> commits = commitFiles(spark, path);
    return commits.isEmpty() ? -1 : version(commits.get(0));
  }

  /** The newest of the table's last {@code limit} commits whose commitInfo {@code matches}, if any. */
  static Optional<Commit> newest(SparkSession spark, String path, int limit, Predicate<JsonNode> matches) {
    List<Path> commits = commitFiles(spark, path);
    try {
      FileSystem fs = new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (Path commit : commits.subList(0, Math.min(limit, commits.size()))) {
        JsonNode commitInfo = commitInfo(fs, commit);
        if (commitInfo != null && matches.test(commitInfo)) {
          return Optional.of(new Commit(version(commit), commitInfo));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log of " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The version of the table's newest checkpoint as its {@code _delta_log/_last_checkpoint} file names it, or -1 when
   * there is none yet.
   */
  static long lastCheckpointVersion(SparkSession spark, String path) {
    Path file = new Path(new Path(path, "_delta_log"), "_last_checkpoint");
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (java.io.InputStream in = fs.open(file)) {
        return JSON.readTree(in).path("version").asLong(-1);
      }
    } catch (java.io.FileNotFoundException e) {
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static long version(Path commit) {
    return Long.parseLong(commit.getName().substring(0, 20));
  }

  /** The commit files in the table's log, newest first. */
  private static List<Path> commitFiles(SparkSession spark, String path) {
    Path log = new Path(path, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<Path> commits = new ArrayList<>();
      for (FileStatus file : fs.listStatus(log)) {
        if (COMMIT_FILE.matcher(file.getPath().getName()).matches()) {
          commits.add(file.getPath());
        }
      }
      commits.sort(Comparator.comparing(Path::getName).reversed()); // zero-padded versions sort as text
      return commits;
    } catch (java.io.FileNotFoundException e) {
      return List.of();
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
