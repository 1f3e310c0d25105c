package dev.lakesync.warehouse;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.common.config.WarehouseModel;
import dev.lakesync.lake.CommitFreshness;
import dev.lakesync.warehouse.model.ModelResolver;
import dev.lakesync.warehouse.model.ModelSql;
import dev.lakesync.warehouse.model.ResolvedModel;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;
import org.apache.spark.sql.SparkSession;

/**
 * One load of the declared models: for each dimension and fact, the changes of its validated table since the version
 * the warehouse last loaded for it (its model-state row) up to the newest, staged and applied, then the aggregates over
 * the facts that changed, all in ONE warehouse transaction that also records the versions loaded. A crash before the
 * commit leaves the old versions, and the rerun stages the same range again; a range loaded twice changes nothing
 * (every change is guarded by its source position).
 */
public final class WarehouseLoader {
  /** Called after staging, before the commit: the tests' place to inject a crash. */
  interface BeforeCommit {
    void run() throws Exception;
  }

  private final WarehouseConfig warehouse;
  private final WarehouseDialect dialect;
  private final ModelSql sql;
  private final ChangeReader reader;
  private final ModelResolver resolver;
  private final PrintStream out;
  private BeforeCommit beforeCommit = () -> { };
  private List<String> waitingFor = List.of();

  /** Opens the load's connection to the warehouse. */
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private final CommitFreshness freshness;

  /** The warehouse section, when it declares something to load; checked before Spark starts. */
  static WarehouseConfig warehouseOf(PipelineConfig config) {
    WarehouseConfig warehouse = config.warehouse().orElseThrow(() -> new StageMain.ConfigProblem(
        "warehouse: section is required to run the warehouse stage"));
    if (warehouse.models().isEmpty()) {
      throw new StageMain.ConfigProblem("warehouse.models: declare at least one model to load (a dimension, fact or "
          + "aggregate; see docs/warehouse-models.md)");
    }
    return warehouse;
  }

  public WarehouseLoader(PipelineConfig config, SparkSession spark, PrintStream out) {
    this(config, spark, out, null, null);
  }

  /** With a given dialect and connection (the tests' fake of a service with no local equivalent); null: the config's. */
  WarehouseLoader(PipelineConfig config, SparkSession spark, PrintStream out, WarehouseDialect dialect,
      Connector connector) {
    this.warehouse = warehouseOf(config);
    this.dialect = dialect != null ? dialect : Dialects.of(warehouse);
    this.connector = connector != null ? connector : this::connect;
    this.sql = new ModelSql(this.dialect, warehouse.schema());
    LakePaths paths = new LakePaths(config.lake().root());
    this.reader = new ChangeReader(spark, paths);
    this.freshness = new CommitFreshness(spark, paths);
    this.resolver = new ModelResolver(reader::schema, ModelResolver.Typer.of(spark));
    this.out = out;
  }

  /** Per table, the oldest version a model reading it now holds: what the warehouse's freshness is of. */
  private void tookIn(List<ResolvedModel> models, Map<String, Long> loaded, Map<ResolvedModel, long[]> ranges) {
    Map<String, Long> held = new HashMap<>();
    for (ResolvedModel model : models) {
      if (model.kind() != WarehouseModel.Kind.AGGREGATE) {
        long version = ranges.containsKey(model) ? ranges.get(model)[1] : loaded.getOrDefault(model.name(), -1L);
        held.merge(model.declared().from(), version, Math::min);
      }
    }
    held.forEach(freshness::took);
  }

  /** For the stage's metrics: per table the models read, how old the lake commit the warehouse holds is. */
  public Map<String, LongSupplier> freshnessByTable() {
    Set<String> read = new LinkedHashSet<>();
    warehouse.models().forEach(model -> {
      if (model.kind() != WarehouseModel.Kind.AGGREGATE) {
        read.add(model.from());
      }
    });
    return freshness.ages(read);
  }

  WarehouseLoader beforeCommit(BeforeCommit hook) {
    this.beforeCommit = hook;
    return this;
  }

  /**
   * The models checked against the lake; empty while a table they read is not in the lake yet (said once per wait).
   *
   * @throws StageMain.ConfigProblem naming every model column that does not work on the lake's tables
   */
  private List<ResolvedModel> resolve() {
    ModelResolver.Result result = resolver.resolve(warehouse.models()).checked();
    if (!result.missingTables.equals(waitingFor) && !result.missingTables.isEmpty()) {
      out.println("warehouse: waiting for " + String.join(", ", result.missingTables) + " to appear in the lake "
          + "(the stream processor creates a validated table with its first change)");
    }
    waitingFor = result.missingTables;
    return result.models;
  }

  /** Runs one load; returns the number of staged changes (0 when nothing new, or still waiting for the lake). */
  public long loadOnce() throws Exception {
    long started = System.nanoTime();
    List<ResolvedModel> models = resolve();
    if (models.isEmpty()) {
      return 0;
    }
    try (Connection connection = connector.connect()) {
      String schema = warehouse.schema();
      try (Statement statement = connection.createStatement()) {
        for (String statementSql : dialect.createStatements(schema)) {
          statement.execute(statementSql);
        }
        for (ResolvedModel model : models) {
          for (String statementSql : sql.create(model)) {
            statement.execute(statementSql);
          }
        }
      }
      dialect.lock(connection);
      try {
        return load(connection, models, started);
      } finally {
        dialect.unlock(connection);
      }
    } catch (UncheckedSqlException e) {
      throw e.getCause();
    }
  }

  /** A load under the lock. */
  private long load(Connection connection, List<ResolvedModel> models, long started) throws Exception {
    String schema = warehouse.schema();
    Map<String, Long> loaded = loadState(connection, schema);
    Map<ResolvedModel, long[]> ranges = new LinkedHashMap<>();
    java.util.function.ToLongFunction<String> readable = reader.readableVersions();
    for (ResolvedModel model : models) {
      if (model.kind() != WarehouseModel.Kind.AGGREGATE) {
        long current = readable.applyAsLong(model.declared().from());
        long last = loaded.getOrDefault(model.name(), -1L);
        if (current > last) {
          ranges.put(model, new long[] {last, current});
        }
      }
    }
    Map<ResolvedModel, Boolean> aggregates = aggregatesToRefresh(models, ranges, loaded);
    if (ranges.isEmpty() && aggregates.isEmpty()) {
      tookIn(models, loaded, Map.of());
      return 0;
    }
    List<ResolvedModel> staged = new ArrayList<>(ranges.keySet());
    List<ResolvedModel> incremental = new ArrayList<>();
    aggregates.forEach((aggregate, isIncremental) -> {
      if (isIncremental) {
        incremental.add(aggregate);
      }
    });
    boolean ddlInTransaction = dialect.ddlInTransaction();
    Map<ResolvedModel, Long> counts = new HashMap<>();
    long stageMs;
    long applyStarted;
    dialect.prepareStaging(connection, staged);
    try {
      if (!ddlInTransaction) {
        stage(connection, ranges, counts, incremental);
        dialect.lock(connection); // staging can be long: renew the lease before the transaction
      }
      connection.setAutoCommit(false);
      try {
        if (ddlInTransaction) {
          stage(connection, ranges, counts, incremental);
        }
        stageMs = (System.nanoTime() - started) / 1_000_000;
        applyStarted = System.nanoTime();
        Map<ResolvedModel, Boolean> empty = new HashMap<>();
        for (ResolvedModel model : staged) {
          empty.put(model, isEmpty(connection, model));
        }
        apply(connection, staged, WarehouseModel.Kind.DIMENSION, empty);
        for (ResolvedModel aggregate : incremental) {
          execute(connection, sql.beforeFacts(aggregate));
        }
        apply(connection, staged, WarehouseModel.Kind.FACT, empty);
        aggregates.forEach((aggregate, isIncremental) -> execute(connection, sql.refresh(aggregate, isIncremental)));
        if (ddlInTransaction) {
          for (ResolvedModel aggregate : incremental) {
            execute(connection, List.of(sql.dropTouched(aggregate)));
          }
        }
        try (PreparedStatement state = connection.prepareStatement(dialect.upsertLoadState(schema))) {
          for (Map.Entry<ResolvedModel, long[]> range : ranges.entrySet()) {
            addState(state, range.getKey().name(), range.getKey().declared().from(), range.getValue()[1]);
          }
          for (ResolvedModel aggregate : aggregates.keySet()) {
            addState(state, aggregate.name(), aggregate.fact().name(), 0);
          }
          state.executeBatch();
        }
        beforeCommit.run();
        connection.commit();
      } catch (Exception e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } finally {
      if (!ddlInTransaction) {
        dropQuietly(connection, incremental);
      }
      dialect.cleanUp(connection, staged);
    }
    List<String> statistics = new ArrayList<>();
    for (ResolvedModel model : models) {
      if (ranges.containsKey(model) || aggregates.containsKey(model)) {
        statistics.addAll(dialect.updateStatistics(sql.target(model)));
      }
    }
    execute(connection, statistics);
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder line = new StringBuilder("warehouse: loaded");
    for (Map.Entry<ResolvedModel, long[]> range : ranges.entrySet()) {
      long from = range.getValue()[0];
      long to = range.getValue()[1];
      line.append(' ').append(range.getKey().name())
          .append(from < 0 ? " snapshot v" + to : " v" + (from + 1) + "..v" + to)
          .append(" (").append(counts.get(range.getKey())).append(from < 0 ? " rows)" : " changes)");
    }
    for (Map.Entry<ResolvedModel, Boolean> aggregate : aggregates.entrySet()) {
      line.append(' ').append(aggregate.getKey().name()).append(aggregate.getValue() ? " (refreshed)" : " (rebuilt)");
    }
    out.printf("%s in %d ms (read and stage %d ms, apply %d ms)%n", line, (System.nanoTime() - started) / 1_000_000,
        stageMs, (System.nanoTime() - applyStarted) / 1_000_000);
    tookIn(models, loaded, ranges);
    out.flush();
    return total;
  }

  /**
   * Makes and fills the staging tables, and the tables of the groups incremental aggregates will recompute (read
   * from the staged fact changes and the facts before them).
   */
  private void stage(Connection connection, Map<ResolvedModel, long[]> ranges, Map<ResolvedModel, Long> counts,
      List<ResolvedModel> incremental) throws Exception {
    execute(connection, dialect.createStaging(new ArrayList<>(ranges.keySet())));
    stageAll(connection, ranges, counts);
    for (ResolvedModel aggregate : incremental) {
      execute(connection, List.of(sql.collectTouched(aggregate, dialect.staging(aggregate.fact()))));
    }
  }

  private void dropQuietly(Connection connection, List<ResolvedModel> incremental) {
    for (ResolvedModel aggregate : incremental) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql.dropTouched(aggregate));
      } catch (SQLException e) {
        // not made (the load failed before), or gone with the session
      }
    }
  }

  /**
   * The aggregates this load recomputes, each with whether only the groups its fact's staged rows touch (true) or all
   * of them: all at the first build, after its fact's first load, or when a dimension it groups by changed.
   */
  private Map<ResolvedModel, Boolean> aggregatesToRefresh(List<ResolvedModel> models, Map<ResolvedModel, long[]> ranges,
      Map<String, Long> loaded) {
    Map<ResolvedModel, Boolean> refresh = new LinkedHashMap<>();
    for (ResolvedModel model : models) {
      if (model.kind() != WarehouseModel.Kind.AGGREGATE) {
        continue;
      }
      long[] factRange = ranges.get(model.fact());
      // A type 1 dimension's change moves its facts to other groups; a type 2 dimension never changes a version its
      // facts point at (a change opens a new version), so its changes leave the aggregate as it is.
      boolean dimensionChanged = false;
      for (ResolvedModel.Group group : model.groups()) {
        dimensionChanged |= group.through() != null && ranges.containsKey(group.through().dimension())
            && group.through().dimension().declared().history() != WarehouseModel.History.TYPE2;
      }
      if (!loaded.containsKey(model.name()) || dimensionChanged || (factRange != null && factRange[0] < 0)) {
        refresh.put(model, false);
      } else if (factRange != null) {
        refresh.put(model, model.declared().incrementalBy() != null);
      }
    }
    return refresh;
  }

  private void apply(Connection connection, List<ResolvedModel> staged, WarehouseModel.Kind kind,
      Map<ResolvedModel, Boolean> empty) {
    for (ResolvedModel model : staged) {
      if (model.kind() == kind) {
        execute(connection, sql.apply(model, dialect.staging(model), empty.get(model)));
      }
    }
  }

  private static void addState(PreparedStatement state, String model, String source, long version) throws SQLException {
    state.setString(1, model);
    state.setString(2, source);
    state.setLong(3, version);
    state.addBatch();
  }

  private static void execute(Connection connection, List<String> statements) {
    try (Statement statement = connection.createStatement()) {
      for (String text : statements) {
        statement.execute(text);
      }
    } catch (SQLException e) {
      throw new UncheckedSqlException(e);
    }
  }

  /** An SQLException through the lambdas above, unwrapped by {@link #loadOnce}. */
  private static final class UncheckedSqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedSqlException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /**
   * Stages every model's range: side by side where the dialect allows it (a small table's fixed Spark costs then hide
   * behind the big one's work), else one after the other.
   */
  private void stageAll(Connection connection, Map<ResolvedModel, long[]> ranges, Map<ResolvedModel, Long> staged)
      throws Exception {
    List<ResolvedModel> models = new ArrayList<>(ranges.keySet());
    if (!dialect.stagesConcurrently() || models.size() == 1) {
      for (ResolvedModel model : models) {
        staged.put(model, stageOne(connection, model, ranges.get(model)));
      }
      return;
    }
    List<Callable<Long>> tasks = new ArrayList<>();
    for (ResolvedModel model : models) {
      tasks.add(() -> stageOne(connection, model, ranges.get(model)));
    }
    ExecutorService pool = SideBySide.pool("lakesync-stage", models.size());
    try {
      List<Long> counts = SideBySide.runAll(pool, tasks);
      for (int i = 0; i < models.size(); i++) {
        staged.put(models.get(i), counts.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private long stageOne(Connection connection, ResolvedModel model, long[] range) throws SQLException {
    return dialect.stage(connection, model, reader.changes(model, range[0], range[1]));
  }

  private boolean isEmpty(Connection connection, ResolvedModel model) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery(sql.selectPresent(model))) {
      row.next();
      return row.getInt(1) == 0;
    }
  }

  private Map<String, Long> loadState(Connection connection, String schema) throws SQLException {
    Map<String, Long> loaded = new HashMap<>();
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(dialect.selectLoadState(schema))) {
      while (rows.next()) {
        loaded.put(rows.getString(1), rows.getLong(2));
      }
    }
    return loaded;
  }

  private Connection connect() throws SQLException {
    try {
      return DriverManager.getConnection(warehouse.jdbcUrl(), warehouse.jdbcProperties());
    } catch (SQLException e) {
      throw new SQLException("cannot connect to the warehouse at " + redact(warehouse.jdbcUrl()) + ": " + e.getMessage(), e);
    }
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=****");
  }
}
