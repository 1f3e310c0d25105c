package dev.lakesync.warehouse;

import static dev.lakesync.lake.ValidatedTables.T0;
import static dev.lakesync.lake.ValidatedTables.account;
import static dev.lakesync.lake.ValidatedTables.customer;
import static dev.lakesync.lake.ValidatedTables.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.lake.ValidatedTables;
import dev.lakesync.warehouse.model.BankModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real loader, Spark and Delta tables loading the bank's models into a Synapse dedicated SQL pool, played by
 * {@link DedicatedSqlPoolFake}, which refuses what the pool refuses. Spark writes the staging Parquet to a local
 * folder that stands for the abfss:// one; COPY INTO names it by its https:// URL, as the pool needs.
 */
class SynapseLoadIT {
  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static PipelineConfig config;
  private static ValidatedTables lake;

  @BeforeAll
  static void start() throws Exception {
    config = BankModels.config(dir, BankModels.warehouse("jdbc:postgresql://127.0.0.1:9/unused"));
    spark = SparkSessions.create(config, "lakesync-synapse-load-it");
    lake = new ValidatedTables(spark, new LakePaths(config.lake().root()));
    lake.customers("r", T0, customer(1, "Ada", "ada@x.org", "gold"), customer(2, "Bo", "bo@x.org", "retail"));
    lake.accounts("r", T0, account(10, 1, "100.00"), account(20, 2, "200.00"));
    lake.payments("r", T0, payment(100, 10, "10.00", "EUR", "2026-11-02T10:00:00Z"),
        payment(101, 20, "5.00", "USD", "2026-11-02T11:00:00Z"));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static WarehouseLoader loader(DedicatedSqlPoolFake pool) {
    TsqlDialect dialect = TsqlDialect.synapse(new StagingLocation(dir.resolve("staging").toUri().toString(),
        "https://acct.dfs.core.windows.net/staging/dw"), "dw");
    return new WarehouseLoader(config, spark, System.out, dialect, pool::connect);
  }

  @Test
  void loadsWithNoDdlInTheTransactionCopiesOverHttpsAndLeavesNoStagingBehind() throws Exception {
    DedicatedSqlPoolFake pool = new DedicatedSqlPoolFake();
    loader(pool).loadOnce();
    List<String> statements = pool.statements();
    assertThat(pool.loadState).containsKeys("dim_customer", "dim_account", "fact_payment", "agg_payments_daily");

    // COPY INTO reads https://<account>.dfs.core.windows.net/<container>/..., before the transaction.
    List<String> copies = pool.executed.stream().filter(s -> s.contains("COPY INTO")).collect(Collectors.toList());
    assertThat(copies).hasSize(3).allMatch(copy -> copy.startsWith("COPY INTO [dw].[_lakesync_stg_")
        && copy.contains("FROM 'https://acct.dfs.core.windows.net/staging/dw/lakesync-"));
    assertThat(pool.inTransaction()).isNotEmpty().noneMatch(s -> s.contains("CREATE TABLE") || s.contains("DROP TABLE"));
    assertThat(pool.inTransaction()).anyMatch(s -> s.startsWith("MERGE [DW].[_LAKESYNC_MODEL_STATE]"));

    // After the commit: staging tables dropped, staging files deleted, statistics updated, the lease released.
    assertThat(pool.tables.keySet()).noneMatch(table -> table.contains("_lakesync_stg_"))
        .contains("[dw].[dim_customer]", "[dw].[fact_payment]", "[dw].[agg_payments_daily]");
    assertThat(files(dir.resolve("staging"))).isEmpty();
    int commitAt = lastIndexOf(pool.executed, "[txn] MERGE [dw].[_lakesync_model_state]");
    assertThat(statements.subList(commitAt, statements.size())).contains("UPDATE STATISTICS [dw].[dim_customer]",
        "UPDATE STATISTICS [dw].[dim_account]", "UPDATE STATISTICS [dw].[fact_payment]",
        "UPDATE STATISTICS [dw].[agg_payments_daily]");
    assertThat(pool.leaseHolder).isNull();

    // A second load refreshes the aggregate incrementally: the touched groups' table is made before the transaction,
    // its rows cleared inside it, and it is dropped after.
    lake.payments("c", "2026-11-06T10:00:00Z", payment(102, 20, "20.00", "USD", "2026-11-06T10:00:00Z"));
    int before = pool.executed.size();
    loader(pool).loadOnce();
    List<String> second = pool.executed.subList(before, pool.executed.size());
    int touched = indexOf(second, "CREATE TABLE #_lakesync_touched_agg_payments_daily");
    int cleared = indexOf(second, "[txn] DELETE FROM [dw].[agg_payments_daily] WHERE");
    int dropped = indexOf(second, "DROP TABLE #_lakesync_touched_agg_payments_daily");
    assertThat(touched).isNotNegative().isLessThan(cleared);
    assertThat(dropped).isGreaterThan(cleared);
    assertThat(pool.tables.keySet()).noneMatch(table -> table.contains("_lakesync_stg_") || table.startsWith("#"));
    assertThat(files(dir.resolve("staging"))).isEmpty();
  }

  @Test
  void aSecondLoadWhileTheLeaseIsHeldStopsBeforeStagingAnything() throws Exception {
    DedicatedSqlPoolFake pool = new DedicatedSqlPoolFake();
    pool.leaseHolder = "lakesync-another-load";
    pool.leaseEnd = Instant.now().plusSeconds(600);
    assertThatThrownBy(() -> loader(pool).loadOnce()).hasMessageContaining("warehouse schema dw is being loaded by "
        + "another load (lakesync-another-load, its lease ends at").hasMessageContaining("stops without changing anything");
    assertThat(pool.executed).noneMatch(statement -> statement.contains("COPY INTO"));
    assertThat(pool.leaseHolder).isEqualTo("lakesync-another-load");

    pool.leaseEnd = Instant.now().minusSeconds(1); // that load crashed: its lease has ended
    loader(pool).loadOnce();
    assertThat(pool.loadState).containsKey("fact_payment");
  }

  @Test
  void aCrashBeforeTheCommitRecordsNothingAndStillCleansUp() throws Exception {
    DedicatedSqlPoolFake pool = new DedicatedSqlPoolFake();
    WarehouseLoader crashing = loader(pool).beforeCommit(() -> {
      throw new IllegalStateException("injected crash before commit");
    });
    assertThatThrownBy(crashing::loadOnce).hasMessageContaining("injected crash");
    assertThat(pool.loadState).isEmpty();
    assertThat(pool.tables.keySet()).noneMatch(table -> table.contains("_lakesync_stg_"));
    assertThat(files(dir.resolve("staging"))).isEmpty();
    assertThat(pool.leaseHolder).isNull();
  }

  @Test
  void theFakeRefusesWhatThePoolRefuses() throws Exception {
    DedicatedSqlPoolFake pool = new DedicatedSqlPoolFake();
    try (java.sql.Connection connection = pool.connect(); java.sql.Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE [dw].[r] (id INT) WITH (DISTRIBUTION = REPLICATE, HEAP)");
      assertThatThrownBy(() -> statement.execute("COPY INTO [dw].[r] (id) FROM 'abfss://c@a.dfs.core.windows.net/x' "
          + "WITH (FILE_TYPE = 'PARQUET', CREDENTIAL = (IDENTITY = 'Managed Identity'))")).hasMessageContaining("https");
      assertThatThrownBy(() -> statement.execute("COPY INTO [dw].[r] (id) FROM 'https://a.blob.core.windows.net/c/x' "
          + "WITH (FILE_TYPE = 'PARQUET', CREDENTIAL = (IDENTITY = 'Managed Identity'))")).hasMessageContaining("dfs");
      assertThatThrownBy(() -> statement.execute("MERGE [dw].[r] AS t USING (SELECT 1 AS id) AS s ON t.id = s.id "
          + "WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id);")).hasMessageContaining("HASH");
      assertThatThrownBy(() -> statement.execute("EXEC sp_getapplock @Resource = 'x', @LockMode = 'Exclusive'"))
          .hasMessageContaining("sp_getapplock");
      connection.setAutoCommit(false);
      assertThatThrownBy(() -> statement.execute("CREATE TABLE [dw].[s] (id INT) WITH (DISTRIBUTION = ROUND_ROBIN)"))
          .hasMessageContaining("within a transaction");
    }
  }

  private static List<Path> files(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).collect(Collectors.toList());
    }
  }

  private static int indexOf(List<String> statements, String prefix) {
    for (int i = 0; i < statements.size(); i++) {
      if (statements.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<String> statements, String prefix) {
    for (int i = statements.size() - 1; i >= 0; i--) {
      if (statements.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
