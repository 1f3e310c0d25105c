package dev.lakesync.warehouse;

import static dev.lakesync.lake.ValidatedTables.T0;
import static dev.lakesync.lake.ValidatedTables.account;
import static dev.lakesync.lake.ValidatedTables.customer;
import static dev.lakesync.lake.ValidatedTables.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.lake.ValidatedTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The T-SQL path against a real Synapse dedicated SQL pool or SQL Server, when one is configured:
 * LAKESYNC_SQLPOOL_JDBC_URL (jdbc:sqlserver://...), optionally LAKESYNC_SQLPOOL_USER / LAKESYNC_SQLPOOL_PASSWORD
 * (without them: Azure identity), LAKESYNC_SQLPOOL_TYPE (sqlserver, the default, or synapse) and, for synapse,
 * LAKESYNC_SQLPOOL_STAGING_URI (abfss://... that the pool's managed identity can read). Loads into a schema of its
 * own, lakesync_it, and drops nothing: look at it afterwards.
 */
class SqlPoolLiveIT {
  @TempDir
  Path dir;

  @Test
  void loadsIntoARealSqlPoolOrSqlServer() throws Exception {
    String url = System.getenv("LAKESYNC_SQLPOOL_JDBC_URL");
    if (url == null || url.isBlank()) {
      System.out.println("SqlPoolLiveIT skipped: LAKESYNC_SQLPOOL_JDBC_URL is not set (no SQL pool or SQL Server to test against)");
    }
    Assumptions.assumeTrue(url != null && !url.isBlank(), "LAKESYNC_SQLPOOL_JDBC_URL is not set: live T-SQL test skipped");
    String type = System.getenv().getOrDefault("LAKESYNC_SQLPOOL_TYPE", "sqlserver");
    String user = System.getenv("LAKESYNC_SQLPOOL_USER");
    String staging = System.getenv("LAKESYNC_SQLPOOL_STAGING_URI");
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, {name: bank.payments, key: [id]}]",
        "warehouse:",
        "  type: " + type,
        "  jdbcUrl: '${LAKESYNC_SQLPOOL_JDBC_URL}'",
        user == null ? "" : "  user: '${LAKESYNC_SQLPOOL_USER}'",
        user == null ? "" : "  password: '${LAKESYNC_SQLPOOL_PASSWORD}'",
        staging == null ? "" : "  stagingUri: '${LAKESYNC_SQLPOOL_STAGING_URI}'",
        "  schema: lakesync_it", ""));
    PipelineConfig config = new PipelineConfigLoader().load(file);
    SparkSession spark = SparkSessions.create(config, "lakesync-sqlpool-live-it");
    try {
      ValidatedTables lake = new ValidatedTables(spark, new LakePaths(config.lake().root()));
      long id = System.currentTimeMillis();
      lake.customers("r", T0, customer(id, "Live", "live@x.org", "gold"));
      lake.accounts("r", T0, account(id, id, "1.00"));
      lake.payments("r", T0, payment(id, id, "2.50", "EUR", "2026-11-02T10:00:00Z"));
      new WarehouseLoader(config, spark, System.out).loadOnce();
      try (Connection connection = DriverManager.getConnection(url, user, System.getenv("LAKESYNC_SQLPOOL_PASSWORD"));
           PreparedStatement query = connection.prepareStatement("SELECT f.amount, c.segment FROM "
               + "[lakesync_it].[fact_payment] f JOIN [lakesync_it].[dim_customer] c ON c.customer_sk = f.customer_sk "
               + "WHERE f.payment_id = ?")) {
        query.setLong(1, id);
        ResultSet rows = query.executeQuery();
        assertThat(rows.next()).isTrue();
        assertThat(rows.getBigDecimal(1)).isEqualByComparingTo("2.50");
        assertThat(rows.getString(2)).isEqualTo("gold");
      }
    } finally {
      spark.stop();
    }
  }
}
