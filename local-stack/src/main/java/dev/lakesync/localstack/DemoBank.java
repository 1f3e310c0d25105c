package dev.lakesync.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo bank schema (the tables deploy/local/pipeline.yaml captures) and its deterministic seed data, loaded with
 * COPY.
 */
public final class DemoBank {
  private static final Logger LOG = LoggerFactory.getLogger(DemoBank.class);

  public static final List<String> FIRST_NAMES = List.of("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances",
      "Ken", "Margaret", "Dennis", "Radia", "Linus", "Sophie", "John", "Hedy", "Tim", "Katherine", "Leslie",
      "Jean", "Niklaus");
  public static final List<String> LAST_NAMES = List.of("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth",
      "Allen", "Thompson", "Hamilton", "Ritchie", "Perlman", "Torvalds", "Wilson", "McCarthy", "Lamarr",
      "Berners-Lee", "Johnson", "Lamport", "Bartik", "Wirth");
  public static final List<String> SEGMENTS = List.of("retail", "premium", "private", "business");
  public static final List<String> ACCOUNT_TYPES = List.of("checking", "savings", "credit");
  public static final List<String> CURRENCIES = List.of("EUR", "EUR", "EUR", "USD", "USD", "GBP", "CHF", "SEK");
  public static final List<String> MERCHANTS = List.of("Coffee Corner", "City Grocer", "Rail Tickets", "Book Nook",
      "Pharmacy Plus", "Streamflix", "Fuel Stop", "Hardware Hub", "Airline Direct", "Corner Bakery",
      "Electro Mart", "Taxi Now", "Museum Shop", "Cinema Central", "Gym Pass");

  private DemoBank() {
  }

  /** Creates the bank schema when missing; safe to call on every start. */
  public static void createSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(readSchema());
    }
  }

  /** Loads the seed data unless customers already exist (a restart keeps what the workload did). */
  public static boolean seedIfEmpty(Connection connection, int customers, int accountsPerCustomer, int payments, long seed)
      throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM bank.customers)")) {
      rows.next();
      if (rows.getBoolean(1)) {
        return false;
      }
    }
    long started = System.nanoTime();
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      Random random = new Random(seed);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      int accounts = customers * accountsPerCustomer;
      String[] accountCurrency = new String[accounts + 1];

      StringBuilder csv = new StringBuilder();
      for (int id = 1; id <= customers; id++) {
        String first = pick(random, FIRST_NAMES);
        String last = pick(random, LAST_NAMES);
        Instant created = now.minus(30 + random.nextInt(3 * 365), ChronoUnit.DAYS);
        csv.append(id).append(',').append(first).append(' ').append(last).append(',')
            .append(email(first, last, id)).append(',').append(pick(random, SEGMENTS)).append(',')
            .append(created).append(',').append(created).append('\n');
      }
      copy(connection, "bank.customers (id, name, email, segment, created_at, updated_at)", csv);

      csv.setLength(0);
      for (int id = 1; id <= accounts; id++) {
        int customerId = (id - 1) / accountsPerCustomer + 1;
        accountCurrency[id] = pick(random, CURRENCIES);
        csv.append(id).append(',').append(customerId).append(',').append(pick(random, ACCOUNT_TYPES)).append(',')
            .append(money(random, 50_000)).append(',').append(accountCurrency[id]).append(',')
            .append(random.nextInt(50) == 0 ? "frozen" : "open").append(',').append(now).append('\n');
      }
      copy(connection, "bank.accounts (id, customer_id, type, balance, currency, status, updated_at)", csv);

      csv.setLength(0);
      for (int id = 1; id <= payments; id++) {
        int accountId = 1 + random.nextInt(accounts);
        Instant created = now.minus(random.nextInt(90 * 24 * 60), ChronoUnit.MINUTES);
        csv.append(id).append(',').append(accountId).append(',').append(money(random, 2_000)).append(',')
            .append(accountCurrency[accountId]).append(',').append(pick(random, MERCHANTS)).append(',')
            .append(random.nextInt(10) == 0 ? "pending" : "booked").append(',').append(created).append('\n');
      }
      copy(connection, "bank.payments (id, account_id, amount, currency, merchant, status, created_at)", csv);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    LOG.info("seeded bank: {} customers, {} accounts, {} payments in {} ms", customers,
        customers * accountsPerCustomer, payments, (System.nanoTime() - started) / 1_000_000);
    return true;
  }

  public static String email(String first, String last, long id) {
    return (first + "." + last).toLowerCase(java.util.Locale.ROOT).replace("-", "") + id + "@example.com";
  }

  public static BigDecimal money(Random random, int max) {
    return BigDecimal.valueOf(100 + random.nextInt(max * 100), 2);
  }

  public static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static void copy(Connection connection, String tableAndColumns, CharSequence csv) throws SQLException {
    try {
      connection.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY " + tableAndColumns + " FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
    } catch (IOException e) {
      throw new SQLException("COPY into " + tableAndColumns + " failed: " + e.getMessage(), e);
    }
  }

  private static String readSchema() {
    try (InputStream in = DemoBank.class.getResourceAsStream("/bank-schema.sql")) {
      if (in == null) {
        throw new IllegalStateException("bank-schema.sql is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bank-schema.sql", e);
    }
  }
}
