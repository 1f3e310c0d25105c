package dev.lakesync.warehouse;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.common.config.WarehouseModel;
import dev.lakesync.warehouse.model.ModelResolver;
import dev.lakesync.warehouse.model.ModelSql;
import dev.lakesync.warehouse.model.ResolvedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Each declared aggregate as the warehouse's own fact and dimensions give it now, rendered by the very SQL the loader
 * recomputes it with: what {@code verify} compares an incrementally kept aggregate with (its fact is compared with
 * the lake on its own).
 */
public final class ExpectedAggregates {
  /** One aggregate: its group columns (its key), all its columns in order, and the query giving them. */
  public static final class Aggregate {
    public final String name;
    public final List<String> groupColumns;
    public final List<String> columns;
    public final String query;

    Aggregate(String name, List<String> groupColumns, List<String> columns, String query) {
      this.name = name;
      this.groupColumns = groupColumns;
      this.columns = columns;
      this.query = query;
    }
  }

  private final Map<String, Aggregate> aggregates = new LinkedHashMap<>();

  /**
   * @throws StageMain.ConfigProblem when a model does not work on the lake's tables
   */
  public ExpectedAggregates(PipelineConfig config, SparkSession spark) {
    WarehouseConfig warehouse = config.warehouse().orElseThrow(() -> new StageMain.ConfigProblem(
        "warehouse: section is required"));
    ModelSql sql = new ModelSql(Dialects.of(warehouse), warehouse.schema());
    ChangeReader reader = new ChangeReader(spark, new LakePaths(config.lake().root()));
    ModelResolver.Result result = new ModelResolver(reader::schema, ModelResolver.Typer.of(spark))
        .resolve(warehouse.models()).checked();
    for (ResolvedModel model : result.models) {
      if (model.kind() != WarehouseModel.Kind.AGGREGATE) {
        continue;
      }
      List<String> groups = new ArrayList<>();
      model.groups().forEach(group -> groups.add(group.column().name()));
      List<String> columns = new ArrayList<>();
      model.aggregateColumns().forEach(column -> columns.add(column.name()));
      aggregates.put(model.name(), new Aggregate(model.name(), groups, columns, sql.aggregateQuery(model)));
    }
  }

  /** The aggregate named so, or null when it is not declared or a table it reads is not in the lake yet. */
  public Aggregate aggregate(String name) {
    return aggregates.get(name);
  }
}
