package dev.lakesync.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table that another process creates after this JVM first looked for it must be found, also when the first look
 * fell between the writer creating {@code _delta_log} and its first commit (seen in the demo: serving-sync waited
 * for a table forever). The other process is imitated by copying a table's files into place behind Spark's back.
 */
class DeltaTablesIT {
  @TempDir
  Path dir;

  @Test
  void aTableCreatedElsewhereAfterTheFirstLookIsFound() throws Exception {
    SparkSession spark = LocalSpark.start(dir.resolve("lake"), "lakesync-delta-tables-it");
    try {
      String written = dir.resolve("written").toString();
      String elsewhere = dir.resolve("elsewhere").toString();
      spark.range(3).write().format("delta").save(written);

      Files.createDirectories(Path.of(elsewhere, "_delta_log")); // the writer has begun, nothing committed yet
      assertThat(DeltaTables.exists(spark, elsewhere)).isFalse();
      assertThat(DeltaTables.newestVersion(spark, elsewhere)).isEqualTo(-1);
      assertThat(DeltaTable.isDeltaTable(spark, elsewhere)).isFalse(); // this JVM now caches "no commit yet"

      copy(Path.of(written), Path.of(elsewhere));

      assertThat(DeltaTables.exists(spark, elsewhere)).isTrue();
      assertThat(DeltaTables.newestVersion(spark, elsewhere)).isZero();
      assertThat(spark.read().format("delta").load(elsewhere).count()).isEqualTo(3);
    } finally {
      spark.stop();
    }
  }

  @Test
  void theFreshnessOfAVersionIsTheAgeOfItsCommit() throws Exception {
    SparkSession spark = LocalSpark.start(dir.resolve("lake"), "lakesync-delta-tables-it");
    try {
      dev.lakesync.common.LakePaths paths = new dev.lakesync.common.LakePaths(dir.resolve("lake").toString());
      String path = paths.validated("bank", "customers");
      long before = System.currentTimeMillis();
      spark.range(3).write().format("delta").save(path);
      long after = System.currentTimeMillis();
      assertThat(DeltaCommits.commitMillis(spark, path, 0)).isBetween(before - 1000, after);
      assertThat(DeltaCommits.commitMillis(spark, path, 7)).as("no such commit").isEqualTo(-1);

      CommitFreshness freshness = new CommitFreshness(spark, paths);
      assertThat(freshness.ageMs("bank.customers")).as("before it holds any").isEqualTo(-1);
      Thread.sleep(50);
      freshness.took("bank.customers", 0);
      assertThat(freshness.ageMs("bank.customers")).isBetween(50L, System.currentTimeMillis() - before + 1000);
    } finally {
      spark.stop();
    }
  }

  @Test
  void theNewestVersionFollowsCommitsAndATableMadeAgain() throws Exception {
    SparkSession spark = LocalSpark.start(dir.resolve("lake"), "lakesync-delta-tables-it");
    try {
      String path = dir.resolve("table").toString();
      assertThat(DeltaTables.newestVersion(spark, path)).isEqualTo(-1);
      spark.range(3).write().format("delta").save(path);
      assertThat(DeltaTables.newestVersion(spark, path)).isZero(); // listed
      spark.range(3, 5).write().format("delta").mode("append").save(path);
      spark.range(5, 6).write().format("delta").mode("append").save(path);
      assertThat(DeltaTables.newestVersion(spark, path)).isEqualTo(2); // looked for after the newest seen

      // Log cleanup removes old commits, never the newest: the newest commits are still read, down to the gap.
      Files.delete(Path.of(path, "_delta_log", "00000000000000000000.json"));
      assertThat(DeltaCommits.newest(spark, path, 10, info -> "WRITE".equals(info.path("operation").asText())))
          .map(commit -> commit.version).contains(2L);
      assertThat(DeltaCommits.newest(spark, path, 10, info -> info.path("operationParameters").path("mode")
          .asText().equals("ErrorIfExists"))).as("the table's first write, cleaned up").isEmpty();

      // The table deleted and made again: the commit seen is gone, so the log is listed again.
      deleteTree(Path.of(path));
      spark.range(7).write().format("delta").save(path);
      assertThat(DeltaTables.newestVersion(spark, path)).isZero();
      assertThat(DeltaTables.exists(spark, path)).isTrue();
    } finally {
      spark.stop();
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(file);
      }
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target); // exists already for _delta_log
        } else {
          Files.copy(file, target);
        }
      }
    }
  }
}
