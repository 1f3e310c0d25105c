package dev.lakesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.demo.WorkloadCounts.Op;
import dev.lakesync.localstack.DemoBank;
import dev.lakesync.localstack.EmbeddedStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The workload generator's committed changes, read back through a logical replication slot of the embedded
 * PostgreSQL: what the generator counts is exactly what logical decoding sees.
 */
@ExtendWith(EmbeddedStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadReplicationIT {
  private static final Pattern CHANGE = Pattern.compile("^table (\\w+\\.\\w+): (INSERT|UPDATE|DELETE): (.*)$");

  private final EmbeddedStack.Servers servers;

  WorkloadReplicationIT(EmbeddedStack.Servers servers) {
    this.servers = servers;
  }

  @BeforeAll
  void createBank() throws SQLException {
    try (Connection connection = servers.postgres().connect("bank")) {
      DemoBank.createSchema(connection);
      DemoBank.seedIfEmpty(connection, 200, 2, 1_000, 7L);
    }
  }

  @Test
  void seedsTheBankWithTheRequestedRows() throws SQLException {
    try (Connection connection = servers.postgres().connect("bank")) {
      assertThat(count(connection, "SELECT count(*) FROM bank.customers WHERE id <= 200")).isEqualTo(200);
      assertThat(count(connection, "SELECT count(*) FROM bank.accounts WHERE id <= 400")).isEqualTo(400);
      assertThat(count(connection, "SELECT count(*) FROM bank.payments WHERE id <= 1000")).isEqualTo(1000);
      assertThat(DemoBank.seedIfEmpty(connection, 200, 2, 1_000, 7L)).as("second seed is skipped").isFalse();
    }
  }

  @Test
  void logicalDecodingSeesExactlyTheChangesTheGeneratorCounts() throws SQLException {
    DecodedChanges decoded = new DecodedChanges();
    WorkloadCounts counts;
    try (Connection admin = servers.postgres().connect("bank")) {
      try (Statement statement = admin.createStatement()) {
        statement.execute("SELECT pg_create_logical_replication_slot('workload_it', 'test_decoding')");
      }
      try {
        try (WorkloadGenerator generator = new WorkloadGenerator(servers.postgres().connect("bank"), 99L, 0.05)) {
          generator.runOperations(3_000);
          counts = generator.counts();
        }
        // Commits are asynchronous on the stack: read until decoding has caught up with the generator, or time out.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (decoded.total() < counts.totalChanges() && System.nanoTime() < deadline) {
          flushWal(admin);
          decoded.readSlot(admin, "workload_it");
        }
      } finally {
        try (Statement statement = admin.createStatement()) {
          statement.execute("SELECT pg_drop_replication_slot('workload_it')");
        }
      }
    }

    for (String table : new String[] {"bank.customers", "bank.accounts", "bank.payments"}) {
      for (Op op : Op.values()) {
        String key = table + "." + op.name().toLowerCase(Locale.ROOT);
        assertThat(decoded.changes.getOrDefault(key, 0L)).as(key).isEqualTo(counts.changes(table, op));
      }
    }
    assertThat(counts.totalChanges()).isGreaterThanOrEqualTo(3_000);
    assertThat(counts.changes("bank.customers", Op.DELETE)).as("customers leave").isPositive();
    assertThat(counts.violations(WorkloadCounts.Violation.NEGATIVE_AMOUNT)).isPositive().isEqualTo(decoded.negativeAmounts);
    assertThat(counts.violations(WorkloadCounts.Violation.UNKNOWN_CURRENCY)).isPositive().isEqualTo(decoded.unknownCurrencies);
    assertThat(counts.violations(WorkloadCounts.Violation.BAD_EMAIL)).isEqualTo(decoded.badEmails);
  }

  /** Row changes read from a test_decoding slot, counted per table and operation, with the rule-breaking inserts. */
  private static final class DecodedChanges {
    final Map<String, Long> changes = new HashMap<>();
    long negativeAmounts;
    long unknownCurrencies;
    long badEmails;

    long total() {
      return changes.values().stream().mapToLong(Long::longValue).sum();
    }

    void readSlot(Connection connection, String slot) throws SQLException {
      try (PreparedStatement read = connection.prepareStatement("SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL)")) {
        read.setString(1, slot);
        try (ResultSet rows = read.executeQuery()) {
          while (rows.next()) {
            Matcher change = CHANGE.matcher(rows.getString(1));
            if (change.matches()) { // BEGIN and COMMIT lines do not
              add(change.group(1), change.group(2), change.group(3));
            }
          }
        }
      }
    }

    private void add(String table, String op, String columns) {
      changes.merge(table + "." + op.toLowerCase(Locale.ROOT), 1L, Long::sum);
      if (op.equals("INSERT") && table.equals("bank.payments")) {
        negativeAmounts += columns.contains("amount[numeric]:-") ? 1 : 0;
        unknownCurrencies += columns.contains("currency[character]:'XXX'") ? 1 : 0;
      }
      if (op.equals("INSERT") && table.equals("bank.customers")) {
        badEmails += columns.matches(".*email\\[text]:'[^'@]*'.*") ? 1 : 0;
      }
    }
  }

  @Test
  void theSameSeedOnTheSameStateGivesTheSameOperations() throws SQLException {
    String first;
    String second;
    try (Connection admin = servers.postgres().connect("bank")) {
      try (Statement statement = admin.createStatement()) {
        statement.execute("CREATE DATABASE det_a TEMPLATE bank");
        statement.execute("CREATE DATABASE det_b TEMPLATE bank");
      }
    }
    first = runAndFingerprint("det_a");
    second = runAndFingerprint("det_b");
    assertThat(first).isEqualTo(second);
  }

  private String runAndFingerprint(String database) throws SQLException {
    try (WorkloadGenerator generator = new WorkloadGenerator(servers.postgres().connect(database), 5L, 0.02)) {
      generator.runOperations(500);
    }
    try (Connection connection = servers.postgres().connect(database);
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT md5(string_agg(x, ',' ORDER BY x)) FROM ("
             + "SELECT 'c' || id || email || segment AS x FROM bank.customers UNION ALL "
             + "SELECT 'a' || id || customer_id || balance || status FROM bank.accounts UNION ALL "
             + "SELECT 'p' || id || account_id || amount || currency || status FROM bank.payments) t")) {
      rows.next();
      return rows.getString(1);
    }
  }

  /** The stack commits asynchronously; one synchronous commit flushes the WAL that decoding may read. */
  private static void flushWal(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("SET LOCAL synchronous_commit = on");
      statement.execute("SELECT txid_current()");
      connection.commit();
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
