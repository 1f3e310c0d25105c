package dev.lakesync.warehouse.model;

import dev.lakesync.common.config.DemoPipeline;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The demo bank's declared models (deploy/local/pipeline.yaml) resolved without Spark: the validated tables' schemas
 * written out here, and a typer that knows bare columns and the few expressions the models use.
 */
public final class BankModels {
  static final StructType CUSTOMERS = lake(new StructType().add("id", DataTypes.LongType).add("name", DataTypes.StringType)
      .add("email", DataTypes.StringType).add("segment", DataTypes.StringType).add("created_at", DataTypes.TimestampType)
      .add("updated_at", DataTypes.TimestampType));
  static final StructType ACCOUNTS = lake(new StructType().add("id", DataTypes.LongType)
      .add("customer_id", DataTypes.LongType).add("type", DataTypes.StringType)
      .add("balance", DataTypes.createDecimalType(14, 2)).add("currency", DataTypes.StringType)
      .add("status", DataTypes.StringType).add("updated_at", DataTypes.TimestampType));
  static final StructType PAYMENTS = lake(new StructType().add("id", DataTypes.LongType)
      .add("account_id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(14, 2))
      .add("currency", DataTypes.StringType).add("merchant", DataTypes.StringType).add("status", DataTypes.StringType)
      .add("created_at", DataTypes.TimestampType));
  static final Map<String, StructType> TABLES = Map.of("bank.customers", CUSTOMERS, "bank.accounts", ACCOUNTS,
      "bank.payments", PAYMENTS);

  private BankModels() {
  }

  /** A validated table's schema: the source columns, then the metadata columns. */
  static StructType lake(StructType source) {
    return source.add("_op", DataTypes.StringType).add("_source_ts_ms", DataTypes.LongType)
        .add("_source_pos", DataTypes.StringType).add("_ingested_at", DataTypes.TimestampType);
  }

  /** Bare columns (plain or in backquotes), to_date(column) and CAST(column AS TIMESTAMP); anything else fails. */
  static DataType type(StructType schema, String expression) {
    String text = expression.trim();
    if (text.startsWith("to_date(") && text.endsWith(")")) {
      type(schema, text.substring(8, text.length() - 1));
      return DataTypes.DateType;
    }
    if (text.startsWith("CAST(") && text.endsWith(" AS TIMESTAMP)")) {
      type(schema, text.substring(5, text.length() - 14));
      return DataTypes.TimestampType;
    }
    String name = text.replace("`", "");
    for (org.apache.spark.sql.types.StructField field : schema.fields()) {
      if (field.name().equals(name)) {
        return field.dataType();
      }
    }
    throw new IllegalArgumentException("cannot resolve '" + text + "'");
  }

  /** A pipeline config with the bank's tables and the given warehouse section (block YAML). */
  public static PipelineConfig config(Path dir, String warehouse) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("bank-models.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, {name: bank.payments, key: [id]}]",
        warehouse, ""));
    return new PipelineConfigLoader(name -> null).load(file);
  }

  /** The warehouse section's lines under {@code warehouse:}, with the bank's models. */
  public static String warehouse(String jdbcUrl) throws IOException {
    return "warehouse:\n  type: postgresql\n  jdbcUrl: '" + jdbcUrl + "'\n  user: postgres\n  schema: dw\n"
        + DemoPipeline.block(Path.of(".."), "warehouse", "models");
  }

  /** The bank's models resolved against the schemas above. */
  public static List<ResolvedModel> resolved(Path dir) throws IOException {
    PipelineConfig config = config(dir, warehouse("jdbc:postgresql://127.0.0.1/warehouse"));
    ModelResolver.Result result = new ModelResolver(table -> Optional.ofNullable(TABLES.get(table)), BankModels::type)
        .resolve(config.warehouse().orElseThrow().models());
    if (!result.problems.isEmpty() || !result.missingTables.isEmpty()) {
      throw new IllegalStateException("the bank's models do not resolve: " + result.problems + result.missingTables);
    }
    return result.models;
  }
}
