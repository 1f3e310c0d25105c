package dev.lakesync.lake;

import dev.lakesync.common.LakePaths;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.spark.sql.SparkSession;

/**
 * How fresh what a later stage holds is, per validated table: the age of the lake commit it has taken in (the
 * warehouse's loaded version, the documents' synced version), as its metrics show it.
 */
public final class CommitFreshness {
  private final SparkSession spark;
  private final LakePaths paths;
  /** Per table: the version taken in and when its commit was made. */
  private final Map<String, long[]> taken = new ConcurrentHashMap<>();

  public CommitFreshness(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /** The stage now holds {@code table} ("schema.table") at {@code version}; reads the commit's time when it is new. */
  public void took(String table, long version) {
    long[] before = taken.get(table);
    if (version < 0 || before != null && before[0] == version) {
      return;
    }
    String[] name = table.split("\\.", 2);
    taken.put(table, new long[] {version, DeltaCommits.commitMillis(spark, paths.validated(name[0], name[1]), version)});
  }

  /** Milliseconds since the commit the stage holds of {@code table} was made; -1 before it holds any. */
  public long ageMs(String table) {
    long[] at = taken.get(table);
    return at == null || at[1] < 0 ? -1 : System.currentTimeMillis() - at[1];
  }

  /** {@link #ageMs} of each table, read when asked. */
  public Map<String, LongSupplier> ages(Collection<String> tables) {
    Map<String, LongSupplier> ages = new LinkedHashMap<>();
    tables.forEach(table -> ages.put(table, () -> ageMs(table)));
    return ages;
  }
}
