package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The largest first key each validated table holds, so that a batch of only larger keys can be appended instead of
 * MERGEd: no row can match it. Keys never leave a validated table (a delete or truncate leaves a tombstone), so the
 * largest one only grows: it is read once from the files' statistics and then carried forward with this writer's
 * own commits. A commit by anyone else (an OPTIMIZE) makes it read again. Only for an integral first key, whose
 * statistics are exact (string and timestamp statistics are truncated).
 */
final class KeyBounds {
  private static final Set<DataType> INTEGRAL =
      Set.of(DataTypes.LongType, DataTypes.IntegerType, DataTypes.ShortType, DataTypes.ByteType);

  /** As of {@code version}: the largest first key, {@code Long.MIN_VALUE} for none, null when unknown. */
  private static final class Bound {
    final long version;
    final Long largest;

    Bound(long version, Long largest) {
      this.version = version;
      this.largest = largest;
    }
  }

  private final SparkSession spark;
  private final Map<String, Bound> bounds = new ConcurrentHashMap<>();

  KeyBounds(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Whether every row of the table at {@code path}, at its newest version {@code version}, has a first key below
   * {@code smallest}.
   */
  boolean allBelow(String path, long version, String key, DataType type, Object smallest) {
    if (!INTEGRAL.contains(type) || !(smallest instanceof Number)) {
      return false;
    }
    Bound bound = bounds.get(path);
    if (bound == null || bound.version != version) {
      bound = read(path, key);
      bounds.put(path, bound);
    }
    return bound.version == version && bound.largest != null && ((Number) smallest).longValue() > bound.largest;
  }

  /**
   * This writer committed {@code committed} on top of {@code before} (or nothing, when they are equal), with first
   * keys up to {@code largest} (null: none). The bound follows when it held at {@code before}; else it is read again
   * when next needed.
   */
  void committed(String path, long before, long committed, Object largest) {
    Bound bound = bounds.get(path);
    if (committed == before || bound == null) {
      return;
    }
    if (bound.version != before || committed != before + 1) {
      bounds.remove(path);
    } else if (bound.largest == null || largest == null) {
      bounds.put(path, new Bound(committed, bound.largest));
    } else {
      bounds.put(path, new Bound(committed, Math.max(bound.largest, ((Number) largest).longValue())));
    }
  }

  /** The largest first key by the files' statistics (one Spark job over the snapshot's file list). */
  private Bound read(String path, String key) {
    Snapshot snapshot = DeltaLog.forTableWithSnapshot(spark, path)._2();
    StructType keyStats = new StructType().add(key, DataTypes.LongType);
    Column high = from_json(col("stats"), new StructType().add("maxValues", keyStats)).getField("maxValues").getField(key);
    Row files = snapshot.allFiles().toDF().agg(max(high), count(lit(1)), count(high)).first();
    boolean everyFileHasStats = files.getLong(1) == files.getLong(2);
    Long largest = !everyFileHasStats ? null : files.isNullAt(0) ? Long.MIN_VALUE : files.getLong(0);
    return new Bound(snapshot.version(), largest);
  }
}
