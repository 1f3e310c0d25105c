package dev.lakesync.stream;

import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.lake.LocalSpark;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends at most once per batch: a repeated batch is skipped by the commit marks, another writer's marks do not
 * count, a new streaming query's batches count from 0 again, and a table without marks is asked for the batch's rows.
 */
class BatchAppendsIT {
  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(dir.resolve("lake"), "lakesync-batch-appends-it");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> rows(long batchId, int count) {
    return spark.range(count).withColumn(BatchAppends.BATCH_ID, lit(batchId)).withColumn("_day", lit("2026-11-25"));
  }

  private static long count(String path) {
    return spark.read().format("delta").load(path).count();
  }

  @Test
  void aRepeatedBatchIsAppendedOnce() {
    String path = dir.resolve("marked").toString();
    assertThat(BatchAppends.written(spark, path, "w", "q1", 0)).as("no table yet").isFalse();

    BatchAppends.append(spark, rows(0, 3), path, "w", "q1", 0, "_day");
    BatchAppends.append(spark, rows(0, 3), path, "w", "q1", 0, "_day");
    assertThat(count(path)).isEqualTo(3);

    BatchAppends.append(spark, rows(1, 2), path, "w", "q1", 1, "_day");
    assertThat(count(path)).isEqualTo(5);
    assertThat(BatchAppends.newestMarkedBatch(spark, path, "w")).isEqualTo(OptionalLong.of(1));
    // An older batch replayed after a newer one was appended is not appended either (as with Delta's txnVersion).
    BatchAppends.append(spark, rows(0, 3), path, "w", "q1", 0, "_day");
    assertThat(count(path)).isEqualTo(5);

    // Another writer's newer mark says nothing about this writer's batches.
    BatchAppends.append(spark, rows(7, 4), path, "other", "q1", 7, "_day");
    assertThat(count(path)).isEqualTo(9);
    BatchAppends.append(spark, rows(2, 1), path, "w", "q1", 2, "_day");
    assertThat(count(path)).isEqualTo(10);
    assertThat(BatchAppends.newestMarkedBatch(spark, path, "other")).isEqualTo(OptionalLong.of(7));
    assertThat(BatchAppends.newestMarkedBatch(spark, path, "w")).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void aTableWithoutMarksIsAskedForTheBatchRows() {
    String path = dir.resolve("unmarked").toString();
    rows(5, 2).write().format("delta").partitionBy("_day").save(path); // as written before marks existed

    assertThat(BatchAppends.newestMarkedBatch(spark, path, "w")).isEmpty();
    assertThat(BatchAppends.written(spark, path, "w", "q1", 5)).isTrue();
    assertThat(BatchAppends.written(spark, path, "w", "q1", 6)).isFalse();

    BatchAppends.append(spark, rows(5, 2), path, "w", "q1", 5, "_day");
    assertThat(count(path)).as("batch 5 is there already").isEqualTo(2);
    BatchAppends.append(spark, rows(6, 1), path, "w", "q1", 6, "_day");
    assertThat(count(path)).isEqualTo(3);
    assertThat(BatchAppends.newestMarkedBatch(spark, path, "w")).isEqualTo(OptionalLong.of(6));
  }

  @Test
  void aFreshCheckpointsBatchesAreAppendedThoughTheirIdsWereUsedBefore() {
    String path = dir.resolve("reset").toString();
    for (long batch = 0; batch < 3; batch++) {
      BatchAppends.append(spark, rows(batch, 1), path, "w", "old-query", batch, "_day");
    }
    // The checkpoint is deleted: the new query's ids start at 0, below the old query's newest mark.
    BatchAppends.append(spark, rows(0, 2), path, "w", "new-query", 0, "_day");
    assertThat(count(path)).isEqualTo(5);
    BatchAppends.append(spark, rows(0, 2), path, "w", "new-query", 0, "_day");
    assertThat(count(path)).as("the new query's replay").isEqualTo(5);
    BatchAppends.append(spark, rows(1, 1), path, "w", "new-query", 1, "_day");
    assertThat(count(path)).isEqualTo(6);
  }
}
