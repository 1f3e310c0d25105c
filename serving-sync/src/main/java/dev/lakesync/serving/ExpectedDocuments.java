package dev.lakesync.serving;

import static org.apache.spark.sql.functions.col;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The documents the lake holds now, built with the very declarations serving-sync uses: what {@code verify}
 * compares the serving stores with. Reads each validated table at its newest version.
 */
public final class ExpectedDocuments {
  private final SparkSession spark;
  private final Map<String, ResolvedDocument> types = new LinkedHashMap<>();
  private final Function<String, Dataset<Row>> rows;
  private final List<String> missingTables;

  /**
   * @throws StageMain.ConfigProblem when a declaration does not work on the lake's tables
   */
  public ExpectedDocuments(PipelineConfig config, SparkSession spark) {
    this.spark = spark;
    ServingConfig serving = ServingSync.servingOf(config);
    LakeTables tables = new LakeTables(spark, new LakePaths(config.lake().root()));
    Map<String, List<String>> keys = new HashMap<>();
    config.tables().forEach(table -> keys.put(table.qualifiedName(), table.key()));
    Map<String, Long> versions = new HashMap<>();
    java.util.function.ToLongFunction<String> readable = tables.readableVersions();
    Map<String, Dataset<Row>> read = new HashMap<>();
    this.rows = table -> read.computeIfAbsent(table, name -> tables.at(name, versions.get(name)));
    DocumentResolver.Result result = new DocumentResolver(spark, table -> {
      long version = versions.computeIfAbsent(table, readable::applyAsLong);
      return version < 0 ? Optional.empty() : Optional.of(rows.apply(table).schema());
    }, keys::get).resolve(serving.documents()).checked();
    this.missingTables = result.missingTables;
    result.documents.forEach(type -> types.put(type.name(), type));
  }

  /** The tables the declarations read that the lake does not hold yet (then there are no types to compare). */
  public List<String> missingTables() {
    return missingTables;
  }

  /** The declared types, in file order. */
  public List<String> types() {
    return new ArrayList<>(types.keySet());
  }

  /** Id to partition key of every document the type should hold: one per live root row. */
  public Map<String, String> ids(String type) {
    DocumentBuilder builder = builder(type);
    Map<String, String> ids = new HashMap<>();
    for (Row row : builder.keysOf(builder.live(types.get(type).declaration().table())).collectAsList()) {
      if (!row.isNullAt(0)) {
        ids.put(row.getString(0), row.isNullAt(1) ? null : row.getString(1));
      }
    }
    return ids;
  }

  /** Id to the document as JSON (without sourcePos), for those of {@code ids} that have a live root row. */
  public Map<String, String> documents(String type, Collection<String> ids) {
    Dataset<Row> wanted = spark.createDataset(new ArrayList<>(ids), Encoders.STRING()).toDF(DocumentBuilder.ID)
        .withColumn(DocumentBuilder.PARTITION_KEY, col(DocumentBuilder.ID));
    Map<String, String> documents = new HashMap<>();
    for (Row row : builder(type).build(wanted).where(col(DocumentBuilder.JSON).isNotNull())
        .select(DocumentBuilder.ID, DocumentBuilder.JSON).collectAsList()) {
      documents.put(row.getString(0), row.getString(1));
    }
    return documents;
  }

  private DocumentBuilder builder(String type) {
    ResolvedDocument resolved = types.get(type);
    return new DocumentBuilder(resolved.declaration(), resolved.rootKey(), rows, (key, message) -> {
      throw new IllegalStateException("serving.documents." + type + "." + key + ": " + message);
    });
  }
}
