package dev.lakesync.stream;

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
