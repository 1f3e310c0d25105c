package dev.lakesync.warehouse;

import dev.lakesync.common.Identifiers;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** The local warehouse: PostgreSQL. Staging is filled with COPY (CSV, streamed); upserts use ON CONFLICT. */
final class PostgresDialect implements WarehouseDialect {
  private static final int FLUSH_BYTES = 1 << 20;
  /** Up to this many chunks of FLUSH_BYTES wait between the reader and COPY. */
  private static final int QUEUED_CHUNKS = 32;
  private static final byte[] END = new byte[0];

  @Override
  public String quote(String identifier) {
    return Identifiers.quoteAnsi(identifier);
  }

  private static String type(StagedTable.Type type) {
    switch (type) {
      case BIGINT:
        return "bigint";
      case TIMESTAMP:
        return "timestamptz";
      case MONEY:
        return "numeric(14,2)";
      case OP:
        return "char(1)";
      case POSITION:
        return "varchar(80)";
      default:
        return "text";
    }
  }

  @Override
  public List<String> createStatements(String schema) {
    return List.of(
        "CREATE SCHEMA IF NOT EXISTS " + quote(schema),
        "CREATE TABLE IF NOT EXISTS " + table(schema, "dim_customer") + " (customer_sk bigserial PRIMARY KEY, "
            + "customer_id bigint NOT NULL, name text, email text, segment text, valid_from timestamptz NOT NULL, "
            + "valid_to timestamptz, is_current boolean NOT NULL, _source_pos varchar(80) NOT NULL)",
        "CREATE INDEX IF NOT EXISTS dim_customer_by_id ON " + table(schema, "dim_customer") + " (customer_id, _source_pos)",
        "CREATE TABLE IF NOT EXISTS " + table(schema, "dim_account") + " (account_id bigint PRIMARY KEY, "
            + "customer_id bigint, type text, balance numeric(14,2), currency text, status text, updated_at timestamptz, "
            + "_source_pos varchar(80) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS " + table(schema, "fact_payment") + " (payment_id bigint PRIMARY KEY, "
            + "account_id bigint, customer_id bigint, customer_sk bigint, amount numeric(14,2), currency text, "
            + "merchant text, status text, created_at timestamptz, payment_date date, _source_pos varchar(80) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS " + table(schema, "agg_payments_daily") + " (payment_date date NOT NULL, "
            + "segment text NOT NULL, currency text NOT NULL, payment_count bigint NOT NULL, amount_sum numeric(18,2), "
            + "amount_avg numeric(18,2), PRIMARY KEY (payment_date, segment, currency))",
        "CREATE TABLE IF NOT EXISTS " + table(schema, "_lakesync_load_state") + " (source_table text PRIMARY KEY, "
            + "last_version bigint NOT NULL, loaded_at timestamptz NOT NULL)");
  }

  @Override
  public List<String> createStaging() {
    List<String> statements = new ArrayList<>();
    for (StagedTable staged : StagedTable.values()) {
      String columns = stagingColumns(staged, PostgresDialect::type);
      statements.add("CREATE TEMP TABLE " + staging(staged) + " (" + columns + ") ON COMMIT DROP");
    }
    return statements;
  }

  @Override
  public String staging(StagedTable table) {
    return quote(table.table);
  }

  @Override
  public long stage(Connection connection, StagedTable table, Dataset<Row> staged) throws SQLException {
    List<String> names = new ArrayList<>();
    for (StagedTable.Column column : table.columns()) {
      names.add(quote(column.name));
    }
    // Rows become CSV lines on the executors (in parallel); a reader thread pulls them into chunks (which makes
    // Spark compute the next partition) while this thread streams the previous chunks into COPY.
    Iterator<String> lines = staged.map((MapFunction<Row, String>) PostgresDialect::csvLine, Encoders.STRING())
        .toLocalIterator();
    BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    AtomicLong count = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES + 4096);
      try {
        while (lines.hasNext()) {
          byte[] bytes = lines.next().getBytes(StandardCharsets.UTF_8);
          buffer.write(bytes, 0, bytes.length);
          count.incrementAndGet();
          if (buffer.size() >= FLUSH_BYTES) {
            chunks.put(buffer.toByteArray());
            buffer.reset();
          }
        }
        chunks.put(buffer.toByteArray());
      } catch (Throwable e) {
        failure.set(e);
      } finally {
        // put, not offer: with the queue full (COPY slower than Spark) an offered end marker was dropped and the
        // loader waited for it forever (seen once in bench warehouse). Interrupted means the loader gave up.
        try {
          chunks.put(END);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "lakesync-stage-" + table.table);
    reader.setDaemon(true);
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + staging(table) + " (" + String.join(", ", names) + ") FROM STDIN (FORMAT csv)");
    reader.start();
    try {
      for (byte[] chunk = take(chunks); chunk != END; chunk = take(chunks)) {
        copy.writeToCopy(chunk, 0, chunk.length);
      }
      if (failure.get() != null) {
        throw new SQLException("reading the changes of " + table.source() + " failed: " + failure.get().getMessage(),
            failure.get());
      }
      copy.endCopy();
      return count.get();
    } finally {
      reader.interrupt();
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private static byte[] take(BlockingQueue<byte[]> chunks) throws SQLException {
    try {
      return chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while staging", e);
    }
  }

  /** One row as a CSV line, newline included. */
  static String csvLine(Row row) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < row.length(); i++) {
      if (i > 0) {
        line.append(',');
      }
      appendCsv(line, row.get(i));
    }
    return line.append('\n').toString();
  }

  /** CSV as PostgreSQL's COPY reads it: an unquoted empty field is NULL, anything else is quoted. */
  private static void appendCsv(StringBuilder line, Object value) {
    if (value == null) {
      return;
    }
    String text;
    if (value instanceof Timestamp) {
      text = ((Timestamp) value).toInstant().toString();
    } else if (value instanceof BigDecimal) {
      text = ((BigDecimal) value).toPlainString();
    } else {
      text = value.toString();
    }
    line.append('"').append(text.replace("\"", "\"\"")).append('"');
  }

  @Override
  public List<String> applyStatements(String schema) {
    String customer = staging(StagedTable.CUSTOMER);
    String account = staging(StagedTable.ACCOUNT);
    String payment = staging(StagedTable.PAYMENT);
    String dimCustomer = table(schema, "dim_customer");
    String dimAccount = table(schema, "dim_account");
    String fact = table(schema, "fact_payment");
    String agg = table(schema, "agg_payments_daily");
    String newestHeld = "(SELECT max(m._source_pos) FROM " + dimCustomer + " m WHERE m.customer_id = %s)";
    return List.of(
        // dim_customer (SCD type 2): a staged change newer than every version held becomes a new version when its
        // attributes differ from the version before it (held or staged), or when it follows a delete.
        "INSERT INTO " + dimCustomer + " (customer_id, name, email, segment, valid_from, valid_to, is_current, _source_pos) "
            + "SELECT customer_id, name, email, segment, valid_from, NULL, false, source_pos FROM ("
            + "SELECT q.*, lag(q.name) OVER w AS p_name, lag(q.email) OVER w AS p_email, "
            + "lag(q.segment) OVER w AS p_segment, lag(q.op) OVER w AS p_op FROM ("
            + "SELECT 'held' AS kind, h.customer_id, h.name, h.email, h.segment, h.valid_from, h._source_pos AS source_pos, "
            + "CASE WHEN h.valid_to IS NOT NULL AND NOT h.is_current THEN 'd' ELSE 'u' END AS op FROM " + dimCustomer + " h "
            + "WHERE h.customer_id IN (SELECT customer_id FROM " + customer + ") "
            + "AND h._source_pos = " + String.format(newestHeld, "h.customer_id") + " "
            + "UNION ALL SELECT 'staged', s.customer_id, s.name, s.email, s.segment, "
            + "CASE WHEN s.op IN ('c', 'r') THEN coalesce(s.created_at, s.changed_at) ELSE s.changed_at END, "
            + "s.source_pos, s.op FROM " + customer + " s "
            + "WHERE s.source_pos > coalesce(" + String.format(newestHeld, "s.customer_id") + ", '')"
            + ") q WINDOW w AS (PARTITION BY q.customer_id ORDER BY q.source_pos)) v "
            + "WHERE v.kind = 'staged' AND v.op <> 'd' AND (v.p_op IS NULL OR v.p_op = 'd' "
            + "OR v.name IS DISTINCT FROM v.p_name OR v.email IS DISTINCT FROM v.p_email "
            + "OR v.segment IS DISTINCT FROM v.p_segment)",
        // Each version of a changed customer is valid until the next one; the newest is current...
        "UPDATE " + dimCustomer + " d SET valid_to = x.next_from, is_current = x.next_from IS NULL FROM ("
            + "SELECT customer_sk, lead(valid_from) OVER (PARTITION BY customer_id ORDER BY _source_pos) AS next_from "
            + "FROM " + dimCustomer + " WHERE customer_id IN (SELECT customer_id FROM " + customer + ")) x "
            + "WHERE d.customer_sk = x.customer_sk "
            + "AND NOT (d.valid_to IS NOT NULL AND NOT d.is_current AND x.next_from IS NULL)",
        // ...unless the customer's newest change is a delete: then the newest version closes at the delete.
        "UPDATE " + dimCustomer + " d SET valid_to = s.changed_at, is_current = false FROM ("
            + "SELECT DISTINCT ON (customer_id) customer_id, op, changed_at, source_pos FROM " + customer
            + " ORDER BY customer_id, source_pos DESC) s "
            + "WHERE d.customer_id = s.customer_id AND d.is_current AND s.op = 'd' AND s.source_pos > d._source_pos",
        // dim_account (type 1)
        "DELETE FROM " + dimAccount + " d USING " + account + " s "
            + "WHERE d.account_id = s.account_id AND s.op = 'd' AND s.source_pos > d._source_pos",
        "INSERT INTO " + dimAccount + " (account_id, customer_id, type, balance, currency, status, updated_at, _source_pos) "
            + "SELECT account_id, customer_id, type, balance, currency, status, updated_at, source_pos FROM " + account
            + " WHERE op <> 'd' ON CONFLICT (account_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, "
            + "type = EXCLUDED.type, balance = EXCLUDED.balance, currency = EXCLUDED.currency, status = EXCLUDED.status, "
            + "updated_at = EXCLUDED.updated_at, _source_pos = EXCLUDED._source_pos "
            + "WHERE " + dimAccount + "._source_pos < EXCLUDED._source_pos",
        // fact_payment: the account, and the customer version valid when the payment was made
        "DELETE FROM " + fact + " f USING " + payment + " s "
            + "WHERE f.payment_id = s.payment_id AND s.op = 'd' AND s.source_pos > f._source_pos",
        "INSERT INTO " + fact + " (payment_id, account_id, customer_id, customer_sk, amount, currency, merchant, status, "
            + "created_at, payment_date, _source_pos) "
            + "SELECT s.payment_id, s.account_id, a.customer_id, coalesce(v.customer_sk, first.customer_sk), "
            + "s.amount, s.currency, s.merchant, s.status, s.created_at, (s.created_at AT TIME ZONE 'UTC')::date, "
            + "s.source_pos FROM " + payment + " s LEFT JOIN " + dimAccount + " a ON a.account_id = s.account_id "
            // the version whose interval holds the payment time; before the first version, the first
            + "LEFT JOIN " + dimCustomer + " v ON v.customer_id = a.customer_id AND v.valid_from <= s.created_at "
            + "AND (v.valid_to IS NULL OR v.valid_to > s.created_at) "
            + "LEFT JOIN (SELECT DISTINCT ON (customer_id) customer_id, customer_sk FROM " + dimCustomer
            + " ORDER BY customer_id, valid_from) first ON first.customer_id = a.customer_id "
            + "WHERE s.op <> 'd' ON CONFLICT (payment_id) DO UPDATE SET account_id = EXCLUDED.account_id, "
            + "customer_id = EXCLUDED.customer_id, customer_sk = EXCLUDED.customer_sk, amount = EXCLUDED.amount, "
            + "currency = EXCLUDED.currency, merchant = EXCLUDED.merchant, status = EXCLUDED.status, "
            + "created_at = EXCLUDED.created_at, payment_date = EXCLUDED.payment_date, _source_pos = EXCLUDED._source_pos "
            + "WHERE " + fact + "._source_pos < EXCLUDED._source_pos",
        // agg_payments_daily: the days this load touched, recomputed from the facts
        "DELETE FROM " + agg + " WHERE payment_date IN (SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM "
            + payment + ")",
        "INSERT INTO " + agg + " (payment_date, segment, currency, payment_count, amount_sum, amount_avg) "
            + "SELECT f.payment_date, coalesce(c.segment, 'unknown'), f.currency, count(*), sum(f.amount), "
            + "round(avg(f.amount), 2) FROM " + fact + " f LEFT JOIN " + dimCustomer + " c ON c.customer_sk = f.customer_sk "
            + "WHERE f.payment_date IN (SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM " + payment + ") "
            + "AND f.currency IS NOT NULL GROUP BY 1, 2, 3");
  }

  @Override
  public String upsertLoadState(String schema) {
    return "INSERT INTO " + table(schema, "_lakesync_load_state") + " (source_table, last_version, loaded_at) "
        + "VALUES (?, ?, now()) ON CONFLICT (source_table) DO UPDATE SET last_version = EXCLUDED.last_version, "
        + "loaded_at = EXCLUDED.loaded_at";
  }
}
