package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.lake.DeltaCommits;
import dev.lakesync.lake.LocalSpark;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest first key of a Delta table on disk: read from the files' statistics, carried forward with this writer's
 * commits, read again after anyone else's, and unknown (never "all below") when a file has no statistics for it.
 */
class KeyBoundsIT {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(dir.resolve("lake"), "lakesync-key-bounds-it");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static void append(String path, long from, long to) {
    spark.range(from, to + 1).selectExpr("id", "cast(id AS string) AS name").write().format("delta").mode("append").save(path);
  }

  private static long version(String path) {
    return DeltaCommits.newestVersion(spark, path);
  }

  @Test
  void theLargestKeyIsReadCarriedAndReadAgain() {
    String path = dir.resolve("t").toString();
    append(path, 1, 10);
    append(path, 20, 30); // two files: the largest key is the larger maximum
    KeyBounds bounds = new KeyBounds(spark);
    long v1 = version(path);
    assertThat(bounds.allBelow(path, v1, "id", DataTypes.LongType, 31L)).isTrue();
    assertThat(bounds.allBelow(path, v1, "id", DataTypes.LongType, 30L)).isFalse();
    assertThat(bounds.allBelow(path, v1, "id", DataTypes.LongType, 15L)).as("between the files").isFalse();
    assertThat(bounds.allBelow(path, v1, "name", DataTypes.StringType, "z")).as("not an integral key").isFalse();

    // This writer's commit: the bound follows without reading (a key between 30 and 40 is now below nothing new).
    append(path, 31, 40);
    bounds.committed(path, v1, v1 + 1, 40L);
    assertThat(bounds.allBelow(path, v1 + 1, "id", DataTypes.LongType, 41L)).isTrue();
    assertThat(bounds.allBelow(path, v1 + 1, "id", DataTypes.LongType, 40L)).isFalse();

    // Someone else's commit (the writer is not told): the version moved, so the bound is read again.
    append(path, 41, 50);
    assertThat(bounds.allBelow(path, v1 + 2, "id", DataTypes.LongType, 45L)).isFalse();
    assertThat(bounds.allBelow(path, v1 + 2, "id", DataTypes.LongType, 51L)).isTrue();

    // A version the bound was not read at (a commit between the listing and the read) never says "all below".
    assertThat(bounds.allBelow(path, v1 + 1, "id", DataTypes.LongType, 1000L)).isFalse();
  }

  @Test
  void aFileWithoutKeyStatisticsMakesTheBoundUnknown() {
    String path = dir.resolve("no-stats").toString();
    append(path, 1, 10);
    spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '0')");
    append(path, 11, 20); // written without column statistics
    KeyBounds bounds = new KeyBounds(spark);
    assertThat(bounds.allBelow(path, version(path), "id", DataTypes.LongType, 1_000_000L)).isFalse();
  }

  @Test
  void anEmptyTableHoldsNoKey() {
    String path = dir.resolve("empty").toString();
    spark.range(0).selectExpr("id").write().format("delta").save(path);
    assertThat(new KeyBounds(spark).allBelow(path, version(path), "id", DataTypes.LongType, Long.MIN_VALUE + 1)).isTrue();
  }
}
