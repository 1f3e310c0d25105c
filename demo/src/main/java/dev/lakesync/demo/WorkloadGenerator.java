package dev.lakesync.demo;

import dev.lakesync.demo.WorkloadCounts.Op;
import dev.lakesync.demo.WorkloadCounts.Violation;
import dev.lakesync.localstack.DemoBank;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives inserts, updates and deletes against the demo bank at a target rate. The sequence of operations is
 * deterministic for a given seed and starting database. A share of the rows it writes breaks a demo rule (negative
 * amount, unknown currency, bad email); those rows are never touched again, so that each one yields exactly one
 * quarantined event. Counts only what was committed.
 */
public final class WorkloadGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadGenerator.class);
  /** Most changes grouped in one transaction when the generator runs behind its schedule. */
  private static final int MAX_CHANGES_PER_COMMIT = 200;

  private final Connection connection;
  private final Random random;
  private final double badShare;
  private final WorkloadCounts counts = new WorkloadCounts();
  private final WorkloadCounts pending = new WorkloadCounts();

  private final List<Long> customers = new ArrayList<>();
  private final List<Long> accounts = new ArrayList<>();
  private final Map<Long, String> accountCurrency = new HashMap<>();
  private final Map<Long, List<Long>> accountsOfCustomer = new HashMap<>();
  private final List<Long> payments = new ArrayList<>();
  private final Map<Long, Long> accountOfPayment = new HashMap<>();
  private final Map<Long, Long> customerOfAccount = new HashMap<>();
  private final List<NewPayment> uncommittedPayments = new ArrayList<>();
  private CommitListener listener = (payments, committedAtMs) -> { };
  private long nextCustomerId;
  private long nextAccountId;
  private long nextPaymentId;
  private int uncommitted;

  /**
   * @param connection a connection to the bank database, owned by the generator from now on
   * @param seed       the same seed on the same database state gives the same operations
   * @param badShare   share of written rows that break a rule, 0 to 1
   */
  public WorkloadGenerator(Connection connection, long seed, double badShare) throws SQLException {
    if (badShare < 0 || badShare > 1) {
      throw new IllegalArgumentException("bad-row share must be between 0 and 1, got " + badShare);
    }
    this.connection = connection;
    this.random = new Random(seed);
    this.badShare = badShare;
    connection.setAutoCommit(false);
    loadLiveRows();
  }

  private void loadLiveRows() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // Rows that already break a rule are left alone, as the generator does with the ones it writes.
      try (ResultSet rows = statement.executeQuery(
          "SELECT id FROM bank.customers WHERE email LIKE '%@%.%' ORDER BY id")) {
        while (rows.next()) {
          customers.add(rows.getLong(1));
        }
      }
      try (ResultSet rows = statement.executeQuery("SELECT id, customer_id, currency FROM bank.accounts ORDER BY id")) {
        while (rows.next()) {
          long id = rows.getLong(1);
          accounts.add(id);
          accountCurrency.put(id, rows.getString(3));
          accountsOfCustomer.computeIfAbsent(rows.getLong(2), k -> new ArrayList<>()).add(id);
          customerOfAccount.put(id, rows.getLong(2));
        }
      }
      try (ResultSet rows = statement.executeQuery(
          "SELECT id, account_id FROM bank.payments WHERE amount > 0 AND currency <> 'XXX' ORDER BY id")) {
        while (rows.next()) {
          payments.add(rows.getLong(1));
          accountOfPayment.put(rows.getLong(1), rows.getLong(2));
        }
      }
      nextCustomerId = maxId(statement, "bank.customers") + 1;
      nextAccountId = maxId(statement, "bank.accounts") + 1;
      nextPaymentId = maxId(statement, "bank.payments") + 1;
    }
    connection.commit();
  }

  private static long maxId(Statement statement, String table) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT coalesce(max(id), 0) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** A valid payment this generator inserted, with the customer whose document lists it. */
  public record NewPayment(long id, long customerId) {
  }

  /** Told after each commit which valid payments it made durable, and when (the freshness probes' source clock). */
  public interface CommitListener {
    void committed(List<NewPayment> payments, long committedAtMs);
  }

  /** Replaces the commit listener; called on the generator's thread right after each commit returns. */
  public void onCommit(CommitListener listener) {
    this.listener = listener;
  }

  /** Everything committed so far. */
  public WorkloadCounts counts() {
    return counts;
  }

  /** Runs {@code operations} operations as fast as the database takes them, committing in groups. */
  public void runOperations(int operations) throws SQLException {
    for (int i = 0; i < operations; i++) {
      step();
      if (uncommitted >= MAX_CHANGES_PER_COMMIT) {
        commit();
      }
    }
    commit();
  }

  /**
   * Runs at {@code ratePerSecond} operations per second until {@code duration} passes (null: no limit) or
   * {@code stop} says so. Operations that fall behind schedule are grouped into one transaction.
   */
  public void run(double ratePerSecond, Duration duration, BooleanSupplier stop) throws SQLException {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, got " + ratePerSecond);
    }
    long start = System.nanoTime();
    long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
    long done = 0;
    while (!stop.getAsBoolean() && System.nanoTime() < end) {
      long due = start + (long) (done * 1_000_000_000L / ratePerSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        commit();
        sleepNanos(Math.min(wait, 100_000_000L));
        continue;
      }
      step();
      done++;
      if (uncommitted >= MAX_CHANGES_PER_COMMIT) {
        commit();
      }
    }
    commit();
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void commit() throws SQLException {
    if (uncommitted == 0) {
      return;
    }
    connection.commit();
    long committedAtMs = System.currentTimeMillis();
    counts.addAll(pending);
    pending.clear();
    uncommitted = 0;
    if (!uncommittedPayments.isEmpty()) {
      List<NewPayment> made = List.copyOf(uncommittedPayments);
      uncommittedPayments.clear();
      listener.committed(made, committedAtMs);
    }
  }

  /** One operation: mostly new payments and balance changes, as in a real bank. */
  void step() throws SQLException {
    int dice = random.nextInt(100);
    if (dice < 40 || customers.isEmpty() || accounts.isEmpty()) {
      if (accounts.isEmpty()) {
        insertCustomer();
      } else {
        insertPayment();
      }
    } else if (dice < 50) {
      updatePaymentStatus();
    } else if (dice < 70) {
      updateBalance();
    } else if (dice < 80) {
      updateCustomer();
    } else if (dice < 85) {
      insertCustomer();
    } else if (dice < 90) {
      insertAccount(pickFrom(customers));
    } else if (dice < 94) {
      updateAccountStatus();
    } else if (dice < 99) {
      deletePayment();
    } else {
      deleteCustomer();
    }
  }

  private boolean breaksRule() {
    return badShare > 0 && random.nextDouble() < badShare;
  }

  private void insertCustomer() throws SQLException {
    long id = nextCustomerId++;
    String first = DemoBank.pick(random, DemoBank.FIRST_NAMES);
    String last = DemoBank.pick(random, DemoBank.LAST_NAMES);
    boolean bad = breaksRule();
    String email = bad ? (first + "." + last + id).toLowerCase(java.util.Locale.ROOT) + "-at-example" : DemoBank.email(first, last, id);
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO bank.customers (id, name, email, segment) VALUES (?, ?, ?, ?)")) {
      insert.setLong(1, id);
      insert.setString(2, first + " " + last);
      insert.setString(3, email);
      insert.setString(4, DemoBank.pick(random, DemoBank.SEGMENTS));
      insert.executeUpdate();
    }
    changed("bank.customers", Op.INSERT, 1);
    if (bad) {
      pending.add(Violation.BAD_EMAIL);
    } else {
      customers.add(id);
    }
    insertAccount(id);
  }

  private void insertAccount(long customerId) throws SQLException {
    long id = nextAccountId++;
    String currency = DemoBank.pick(random, DemoBank.CURRENCIES);
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO bank.accounts (id, customer_id, type, balance, currency, status) VALUES (?, ?, ?, ?, ?, 'open')")) {
      insert.setLong(1, id);
      insert.setLong(2, customerId);
      insert.setString(3, DemoBank.pick(random, DemoBank.ACCOUNT_TYPES));
      insert.setBigDecimal(4, DemoBank.money(random, 5_000));
      insert.setString(5, currency);
      insert.executeUpdate();
    }
    changed("bank.accounts", Op.INSERT, 1);
    accounts.add(id);
    accountCurrency.put(id, currency);
    accountsOfCustomer.computeIfAbsent(customerId, k -> new ArrayList<>()).add(id);
    customerOfAccount.put(id, customerId);
  }

  private void insertPayment() throws SQLException {
    long id = nextPaymentId++;
    long accountId = pickFrom(accounts);
    BigDecimal amount = DemoBank.money(random, 1_000);
    String currency = accountCurrency.get(accountId);
    Violation violation = null;
    if (breaksRule()) {
      violation = random.nextBoolean() ? Violation.NEGATIVE_AMOUNT : Violation.UNKNOWN_CURRENCY;
      if (violation == Violation.NEGATIVE_AMOUNT) {
        amount = amount.negate();
      } else {
        currency = "XXX";
      }
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bank.payments "
        + "(id, account_id, amount, currency, merchant, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)")) {
      insert.setLong(1, id);
      insert.setLong(2, accountId);
      insert.setBigDecimal(3, amount);
      insert.setString(4, currency);
      insert.setString(5, DemoBank.pick(random, DemoBank.MERCHANTS));
      insert.setTimestamp(6, new Timestamp(System.currentTimeMillis()));
      insert.executeUpdate();
    }
    changed("bank.payments", Op.INSERT, 1);
    if (violation != null) {
      pending.add(violation);
    } else {
      payments.add(id);
      accountOfPayment.put(id, accountId);
      uncommittedPayments.add(new NewPayment(id, customerOfAccount.get(accountId)));
    }
  }

  private void updatePaymentStatus() throws SQLException {
    if (payments.isEmpty()) {
      insertPayment();
      return;
    }
    long id = pickFrom(payments);
    String status = random.nextInt(10) < 8 ? "booked" : (random.nextBoolean() ? "failed" : "reversed");
    update("UPDATE bank.payments SET status = ? WHERE id = ?", status, id, "bank.payments");
  }

  private void updateBalance() throws SQLException {
    long id = pickFrom(accounts);
    updateAccount("balance = balance + ?", BigDecimal.valueOf(random.nextInt(200_000) - 100_000, 2), id);
  }

  private void updateAccountStatus() throws SQLException {
    long id = pickFrom(accounts);
    updateAccount("status = ?", random.nextInt(4) == 0 ? "frozen" : "open", id);
  }

  /** {@code assignment} is a constant of this class with one parameter, never input. */
  private void updateAccount(String assignment, Object value, long id) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE bank.accounts SET " + assignment + ", updated_at = now() WHERE id = ?")) {
      update.setObject(1, value);
      update.setLong(2, id);
      changed("bank.accounts", Op.UPDATE, update.executeUpdate());
    }
  }

  private void updateCustomer() throws SQLException {
    long id = pickFrom(customers);
    if (random.nextBoolean()) {
      update("UPDATE bank.customers SET segment = ?, updated_at = now() WHERE id = ?",
          DemoBank.pick(random, DemoBank.SEGMENTS), id, "bank.customers");
    } else {
      String first = DemoBank.pick(random, DemoBank.FIRST_NAMES);
      String last = DemoBank.pick(random, DemoBank.LAST_NAMES);
      update("UPDATE bank.customers SET email = ?, updated_at = now() WHERE id = ?",
          DemoBank.email(first, last, id), id, "bank.customers");
    }
  }

  private void update(String sql, String value, long id, String table) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, value);
      update.setLong(2, id);
      changed(table, Op.UPDATE, update.executeUpdate());
    }
  }

  private void deletePayment() throws SQLException {
    if (payments.isEmpty()) {
      insertPayment();
      return;
    }
    int index = random.nextInt(payments.size());
    long id = removeAt(payments, index);
    accountOfPayment.remove(id);
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM bank.payments WHERE id = ?")) {
      delete.setLong(1, id);
      changed("bank.payments", Op.DELETE, delete.executeUpdate());
    }
  }

  /** A customer leaves: payments, accounts and the customer go in one transaction touching three tables. */
  private void deleteCustomer() throws SQLException {
    commit();
    int index = random.nextInt(customers.size());
    long customerId = removeAt(customers, index);
    List<Long> owned = accountsOfCustomer.getOrDefault(customerId, List.of());
    accountsOfCustomer.remove(customerId);
    for (Long accountId : owned) {
      accounts.remove(accountId);
      accountCurrency.remove(accountId);
      customerOfAccount.remove(accountId);
    }
    payments.removeIf(paymentId -> owned.contains(accountOfPayment.get(paymentId)));
    accountOfPayment.values().removeIf(owned::contains);
    try (PreparedStatement deletePayments = connection.prepareStatement(
            "DELETE FROM bank.payments WHERE account_id IN (SELECT id FROM bank.accounts WHERE customer_id = ?)");
         PreparedStatement deleteAccounts = connection.prepareStatement("DELETE FROM bank.accounts WHERE customer_id = ?");
         PreparedStatement deleteCustomer = connection.prepareStatement("DELETE FROM bank.customers WHERE id = ?")) {
      deletePayments.setLong(1, customerId);
      changed("bank.payments", Op.DELETE, deletePayments.executeUpdate());
      deleteAccounts.setLong(1, customerId);
      changed("bank.accounts", Op.DELETE, deleteAccounts.executeUpdate());
      deleteCustomer.setLong(1, customerId);
      changed("bank.customers", Op.DELETE, deleteCustomer.executeUpdate());
    }
    commit();
  }

  private void changed(String table, Op op, int rows) {
    pending.add(table, op, rows);
    uncommitted += rows;
  }

  private long pickFrom(List<Long> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  private static long removeAt(List<Long> ids, int index) {
    // Swap-remove keeps deletes O(1); the order stays deterministic.
    long id = ids.get(index);
    ids.set(index, ids.get(ids.size() - 1));
    ids.remove(ids.size() - 1);
    return id;
  }

  @Override
  public void close() {
    try {
      if (!connection.isClosed()) {
        connection.rollback();
        connection.close();
      }
    } catch (SQLException e) {
      LOG.warn("closing the workload connection failed: {}", e.getMessage());
    }
  }
}
