package dev.lakesync.stream;

import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * A micro-batch's own values (its id, its ingest time) as columns whose generated code is the same in every batch.
 * Spark writes long and timestamp literals into the Java code it generates, so a literal that changes per batch
 * makes every stage that holds it compile anew, each batch; a no-argument function is referenced from the code
 * instead.
 */
final class BatchConstants {
  private BatchConstants() {
  }

  static Column batchId(long batchId) {
    return functions.udf((UDF0<Long>) () -> batchId, DataTypes.LongType).apply();
  }

  static Column timestamp(long epochMillis) {
    Timestamp timestamp = new Timestamp(epochMillis);
    return functions.udf((UDF0<Timestamp>) () -> timestamp, DataTypes.TimestampType).apply();
  }
}
