package dev.lakesync.warehouse.model;

import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.WarehouseModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the declared models against the validated tables' schemas and types every column: each expression is
 * analyzed by Spark over the table's schema (no data read). Reports every problem at once, each with its key path,
 * or the tables the lake does not hold yet.
 */
public final class ModelResolver {
  /** What resolving found: the models, or the problems, or the tables still missing from the lake. */
  public static final class Result {
    public final List<ResolvedModel> models;
    public final List<String> problems;
    public final List<String> missingTables;

    Result(List<ResolvedModel> models, List<String> problems, List<String> missingTables) {
      this.models = List.copyOf(models);
      this.problems = List.copyOf(problems);
      this.missingTables = List.copyOf(missingTables);
    }

    /**
     * This result, when the models work on the lake's tables.
     *
     * @throws StageMain.ConfigProblem naming every model column that does not
     */
    public Result checked() {
      if (!problems.isEmpty()) {
        throw new StageMain.ConfigProblem("the warehouse models do not match the lake:\n  "
            + String.join("\n  ", problems));
      }
      return this;
    }
  }

  /** The type of a Spark SQL expression over a table's schema; throws when it does not analyze. */
  public interface Typer {
    DataType type(StructType schema, String expression) throws Exception;

    /** Spark's analyzer, over an empty table of the schema (no data read). */
    static Typer of(SparkSession spark) {
      return (schema, expression) -> spark.createDataFrame(List.<Row>of(), schema).selectExpr(expression).schema()
          .fields()[0].dataType();
    }
  }

  /** schema.table to the validated table's schema, empty when the lake does not hold it yet. */
  private final Function<String, Optional<StructType>> lakeSchema;
  private final Typer typer;

  public ModelResolver(Function<String, Optional<StructType>> lakeSchema, Typer typer) {
    this.lakeSchema = lakeSchema;
    this.typer = typer;
  }

  public Result resolve(List<WarehouseModel> declared) {
    List<String> problems = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>();
    Map<String, ResolvedModel> resolved = new LinkedHashMap<>();
    for (WarehouseModel model : declared) {
      Problems at = new Problems("warehouse.models." + model.name(), problems);
      if (model.kind() == WarehouseModel.Kind.AGGREGATE) {
        ResolvedModel fact = resolved.get(model.from());
        if (fact != null) {
          resolved.put(model.name(), aggregate(model, fact, at));
        }
        continue;
      }
      Optional<StructType> schema = lakeSchema.apply(model.from());
      if (schema.isEmpty()) {
        missing.add(model.from());
        continue;
      }
      if (!missing.isEmpty() && model.lookups().stream().anyMatch(lookup -> !resolved.containsKey(lookup.dimension()))) {
        continue; // a dimension it looks up waits for its table: checked once that table is there
      }
      ResolvedModel table = table(model, schema.get(), resolved, at);
      if (table != null) {
        resolved.put(model.name(), table);
      }
    }
    if (!problems.isEmpty() || !missing.isEmpty()) {
      return new Result(List.of(), problems, new ArrayList<>(missing));
    }
    return new Result(new ArrayList<>(resolved.values()), problems, List.of());
  }

  private ResolvedModel table(WarehouseModel model, StructType schema, Map<String, ResolvedModel> before, Problems at) {
    int problemsBefore = at.count();
    Map<String, String> expressions = new LinkedHashMap<>(model.key());
    Map<String, String> columns = model.columnsOver(List.of(schema.fieldNames()), column -> at.problem("columns",
        "the lake column '" + column + "' of " + model.from() + " cannot be a warehouse column name as it is; list "
            + "the columns with a new name for it (columns: {new_name: '`" + column + "`'})"));
    expressions.putAll(columns);
    List<ResolvedModel.Column> key = typed(model.key(), schema, model.from(), "key", at);
    List<ResolvedModel.Column> values = typed(columns, schema, model.from(), "columns", at);
    if (model.validFrom() != null) {
      analyze(schema, "CAST(" + model.validFrom() + " AS TIMESTAMP)", model.from(), "validFrom", at);
    }
    Set<String> valueNames = new LinkedHashSet<>(columns.keySet());
    for (String column : model.tracked()) {
      if (!valueNames.contains(column)) {
        at.problem("tracked", "'" + column + "' is not one of the model's columns (" + String.join(", ", valueNames) + ")");
      }
    }
    List<ResolvedModel.Lookup> lookups = new ArrayList<>();
    Map<String, ResolvedModel.Column> available = new LinkedHashMap<>();
    for (ResolvedModel.Column column : key) {
      available.put(column.name(), column);
    }
    for (ResolvedModel.Column column : values) {
      available.put(column.name(), column);
    }
    boolean timeChecked = false;
    for (int i = 0; i < model.lookups().size(); i++) {
      WarehouseModel.Lookup lookup = model.lookups().get(i);
      String where = "lookups[" + i + "]";
      ResolvedModel dimension = before.get(lookup.dimension());
      if (dimension == null) {
        continue; // its own problems are reported
      }
      for (String column : lookup.on()) {
        if (!available.containsKey(column)) {
          at.problem(where + ".match", "'" + column + "' is not a column of " + model.name() + " (" + String.join(", ",
              available.keySet()) + ")");
        }
      }
      if (dimension.isType2() && !timeChecked) {
        timeChecked = true;
        if (model.time() != null && !available.containsKey(model.time())) {
          at.problem("time", "'" + model.time() + "' is not a column of " + model.name() + " (" + String.join(", ",
              available.keySet()) + ")");
        }
      }
      List<ResolvedModel.Column> take = new ArrayList<>();
      for (String name : lookup.take()) {
        ResolvedModel.Column column = dimension.column(name);
        if (column == null) {
          at.problem(where + ".take", "'" + name + "' is not a column of " + dimension.name());
        } else if (available.containsKey(name)) {
          at.problem(where + ".take", "'" + name + "' is already a column of " + model.name());
        } else {
          take.add(column);
          available.put(name, column);
        }
      }
      ResolvedModel.Lookup resolved = new ResolvedModel.Lookup(dimension, lookup.on(), take);
      if (resolved.surrogateKey() != null && available.put(resolved.surrogateKey().name(), resolved.surrogateKey()) != null) {
        at.problem(where, "the surrogate key '" + resolved.surrogateKey().name() + "' of " + dimension.name()
            + " is already a column of " + model.name());
      }
      lookups.add(resolved);
    }
    if (at.count() > problemsBefore) {
      return null;
    }
    return ResolvedModel.table(model, expressions, key, values, lookups);
  }

  private List<ResolvedModel.Column> typed(Map<String, String> expressions, StructType schema, String table, String keyPath,
      Problems at) {
    List<ResolvedModel.Column> columns = new ArrayList<>();
    expressions.forEach((name, expression) -> {
      Optional<DataType> type = analyze(schema, expression, table, keyPath + "." + name, at);
      if (type.isEmpty()) {
        return;
      }
      Optional<ColumnType> loadable = ColumnType.of(type.get());
      if (loadable.isEmpty()) {
        at.problem(keyPath + "." + name, "'" + expression + "' is of type " + type.get().simpleString()
            + ", which a warehouse column cannot hold; select a scalar from it or cast it (e.g. to_json(...))");
        return;
      }
      columns.add(new ResolvedModel.Column(name, loadable.get()));
    });
    return columns;
  }

  /** The expression's type over an empty table of the schema, or empty with a problem recorded. */
  private Optional<DataType> analyze(StructType schema, String expression, String table, String keyPath, Problems at) {
    try {
      return Optional.of(typer.type(schema, expression));
    } catch (Exception e) {
      at.problem(keyPath, "'" + expression + "' does not work on " + table + ": " + firstLine(e.getMessage()));
      return Optional.empty();
    }
  }

  private ResolvedModel aggregate(WarehouseModel model, ResolvedModel fact, Problems at) {
    int problemsBefore = at.count();
    Map<String, ResolvedModel.Lookup> lookups = new LinkedHashMap<>();
    for (ResolvedModel.Lookup lookup : fact.lookups()) {
      lookups.put(lookup.dimension().name(), lookup);
    }
    List<ResolvedModel.Group> groups = new ArrayList<>();
    model.groupBy().forEach((name, source) -> {
      int dot = source.indexOf('.');
      if (dot > 0) {
        ResolvedModel.Lookup lookup = lookups.get(source.substring(0, dot));
        String column = source.substring(dot + 1);
        ResolvedModel.Column found = lookup == null ? null : lookup.dimension().column(column);
        if (found == null) {
          at.problem("groupBy." + name, "'" + source + "' is not a column of a dimension " + fact.name() + " looks up");
        } else {
          groups.add(new ResolvedModel.Group(new ResolvedModel.Column(name, found.type()), lookup, column));
        }
        return;
      }
      ResolvedModel.Column found = fact.column(source);
      if (found == null) {
        at.problem("groupBy." + name, "'" + source + "' is not a column of " + fact.name());
      } else {
        groups.add(new ResolvedModel.Group(new ResolvedModel.Column(name, found.type()), null, source));
      }
    });
    if (model.incrementalBy() != null) {
      String source = model.groupBy().get(model.incrementalBy());
      boolean own = false;
      for (List<ResolvedModel.Column> columns : List.of(fact.key(), fact.values())) {
        for (ResolvedModel.Column column : columns) {
          own |= column.name().equals(source);
        }
      }
      if (source != null && !own) {
        at.problem("incrementalBy", "'" + source + "' must be a column of " + fact.name() + " itself, not one it looks up");
      }
    }
    List<ResolvedModel.Measure> measures = new ArrayList<>();
    model.measures().forEach((name, measure) -> {
      ResolvedModel.Column input = measure.column() == null ? null : fact.column(measure.column());
      if (measure.column() != null && input == null) {
        at.problem("measures." + name, "'" + measure.column() + "' is not a column of " + fact.name());
        return;
      }
      Optional<ColumnType> type = resultType(measure.function(), input == null ? null : input.type());
      if (type.isEmpty()) {
        at.problem("measures." + name, measure.function().name().toLowerCase(java.util.Locale.ROOT) + " needs a number; '"
            + measure.column() + "' is " + input.type());
        return;
      }
      measures.add(new ResolvedModel.Measure(new ResolvedModel.Column(name, type.get()), measure.function(), input));
    });
    return at.count() > problemsBefore ? null : ResolvedModel.aggregate(model, fact, groups, measures);
  }

  /** A measure's type: counts are bigints; sums and averages keep a decimal's scale at 38 digits. */
  static Optional<ColumnType> resultType(WarehouseModel.Function function, ColumnType input) {
    switch (function) {
      case COUNT:
        return Optional.of(ColumnType.BIGINT);
      case MIN:
      case MAX:
        return Optional.of(input);
      default:
        break;
    }
    if (input.isIntegral()) {
      return Optional.of(function == WarehouseModel.Function.SUM ? ColumnType.BIGINT : ColumnType.decimal(38, 6));
    }
    if (input.kind() == ColumnType.Kind.DECIMAL) {
      return Optional.of(ColumnType.decimal(38, input.scale()));
    }
    if (input.kind() == ColumnType.Kind.REAL || input.kind() == ColumnType.Kind.DOUBLE) {
      return Optional.of(ColumnType.DOUBLE);
    }
    return Optional.empty();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot be analyzed";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Problems under one model's key path. */
  private static final class Problems {
    private final String path;
    private final List<String> all;
    private int count;

    Problems(String path, List<String> all) {
      this.path = path;
      this.all = all;
    }

    void problem(String key, String message) {
      all.add(path + (key.isEmpty() ? "" : "." + key) + ": " + message);
      count++;
    }

    int count() {
      return count;
    }
  }
}
