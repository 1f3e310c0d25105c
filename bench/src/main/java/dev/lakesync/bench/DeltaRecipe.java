package dev.lakesync.bench;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import io.delta.tables.DeltaTable;
import java.util.Locale;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The baseline of {@code bench process}: Delta Lake's documented "upsert from streaming queries using foreachBatch"
 * recipe as a user would paste it for these events (read the topic, {@code from_json} the envelope, keep the newest
 * change per key, MERGE), run available-now in a JVM of its own on the same topic; or, with {@code floor}, only the
 * read and the parse. Prints {@code recipe: mode=M seconds=S rows=N}: the time from the query's start to its end
 * (the session is made before, as the processor's is) and, for the MERGE, the live rows of its table. With
 * {@code steady} it MERGEs into the existing table with the recipe's default trigger (the next batch as soon as the
 * last one ends) until the process is stopped, printing {@code recipe: started} and then {@code recipe: progress
 * rows=N} after each batch.
 *
 * <p>Arguments: bootstrap servers, topic, table path, checkpoint path, shuffle partitions, {@code merge}, {@code floor}
 * or {@code steady}.
 */
public final class DeltaRecipe {
  private DeltaRecipe() {
  }

  /** Prints each batch's input rows, which the benchmark sums to know when every steady change is in. */
  private static final class ProgressLines extends StreamingQueryListener {
    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      System.out.println("recipe: progress rows=" + event.progress().numInputRows());
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
      System.out.println("recipe: stopped" + (event.exception().isDefined() ? " " + event.exception().get() : ""));
    }
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String table = args[2];
    String checkpoint = args[3];
    boolean steady = args[5].equals("steady");
    boolean merge = steady || args[5].equals("merge");
    SparkSession spark = SparkSession.builder().master("local[*]").appName("delta-recipe")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", args[4])
        .getOrCreate();
    StructType row = new StructType().add("id", DataTypes.LongType).add("account", DataTypes.IntegerType)
        .add("amount", DataTypes.StringType).add("note", DataTypes.StringType).add("created_at", DataTypes.StringType);
    StructType envelope = new StructType().add("payload", new StructType().add("before", row).add("after", row)
        .add("op", DataTypes.StringType)
        .add("source", new StructType().add("lsn", DataTypes.LongType).add("ts_ms", DataTypes.LongType)));
    Dataset<Row> changes = spark.readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic).option("startingOffsets", "earliest").load()
        .select(from_json(col("value").cast("string"), envelope).alias("e"))
        .select(coalesce(col("e.payload.after.id"), col("e.payload.before.id")).alias("id"),
            col("e.payload.after.account").alias("account"), col("e.payload.after.amount").cast("decimal(14,2)").alias("amount"),
            col("e.payload.after.note").alias("note"), col("e.payload.after.created_at").cast("timestamp").alias("created_at"),
            col("e.payload.op").alias("op"), col("e.payload.source.lsn").alias("lsn"));
    if (merge && !steady) {
      // The recipe MERGEs into an existing table.
      StructType columns = new StructType().add("id", DataTypes.LongType).add("account", DataTypes.IntegerType)
          .add("amount", DataTypes.createDecimalType(14, 2)).add("note", DataTypes.StringType)
          .add("created_at", DataTypes.TimestampType).add("lsn", DataTypes.LongType);
      spark.createDataFrame(java.util.List.of(), columns).write().format("delta").mode("overwrite").save(table);
    }
    VoidFunction2<Dataset<Row>, Long> upsert = (batch, batchId) -> {
      if (!merge) {
        batch.agg(max(col("lsn")), count(col("op")), count(col("id"))).collect();
        return;
      }
      Dataset<Row> newest = batch.withColumn("n", row_number().over(Window.partitionBy("id").orderBy(col("lsn").desc())))
          .where("n = 1").drop("n");
      DeltaTable.forPath(spark, table).as("t").merge(newest.as("s"), "s.id = t.id")
          .whenMatched("s.op = 'd'").delete()
          .whenMatched().updateExpr(java.util.Map.of("account", "s.account", "amount", "s.amount", "note", "s.note",
              "created_at", "s.created_at", "lsn", "s.lsn"))
          .whenNotMatched("s.op <> 'd'").insertExpr(java.util.Map.of("id", "s.id", "account", "s.account",
              "amount", "s.amount", "note", "s.note", "created_at", "s.created_at", "lsn", "s.lsn"))
          .execute();
    };
    if (steady) {
      spark.streams().addListener(new ProgressLines());
      changes.writeStream().option("checkpointLocation", checkpoint).foreachBatch(upsert).start();
      System.out.println("recipe: started");
      spark.streams().awaitAnyTermination();
      return;
    }
    long started = System.nanoTime();
    changes.writeStream().option("checkpointLocation", checkpoint).trigger(Trigger.AvailableNow())
        .foreachBatch(upsert).start().awaitTermination();
    double seconds = (System.nanoTime() - started) / 1e9;
    long rows = merge ? spark.read().format("delta").load(table).count() : -1;
    System.out.println(String.format(Locale.ROOT, "recipe: mode=%s seconds=%.3f rows=%d", args[5], seconds, rows));
    spark.stop();
  }
}
