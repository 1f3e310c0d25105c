package dev.lakesync.demo.freshness;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.demo.WorkloadGenerator;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures freshness from the outside, the way a user would see it: every valid payment the workload commits is
 * looked for in the local warehouse ({@code fact_payment}) and in its customer's document in the local serving
 * store, every {@link #POLL_MS} ms; the first poll that finds it gives its latency from the commit. Nothing in the
 * stages is asked. A payment not seen within {@link #GIVE_UP_MS} (deleted before it was loaded, say) is counted as
 * unseen, not as a latency.
 */
public final class PaymentProbe implements WorkloadGenerator.CommitListener, AutoCloseable {
  public static final long POLL_MS = 100;
  /** A poll may take at most this share of the time: a probe behind a slow pipeline polls less often. */
  private static final int BUDGET_FACTOR = 10;
  private static final long WRITE_MARGIN_MS = 5_000;
  static final long GIVE_UP_MS = 120_000;
  private static final Logger LOG = LoggerFactory.getLogger(PaymentProbe.class);

  private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final Thread poller;
  private volatile boolean closed;

  private PaymentProbe(List<Target> targets) {
    targets.forEach(target -> this.targets.put(target.name, target));
    this.poller = new Thread(this::pollLoop, "lakesync-payment-probe");
    this.poller.setDaemon(true);
  }

  /** A probe of the config's PostgreSQL warehouse and local serving store (whichever it has), started. */
  public static PaymentProbe start(PipelineConfig config) throws SQLException {
    List<Target> targets = new ArrayList<>();
    try {
      if (config.warehouse().isPresent() && config.warehouse().get().type() == WarehouseConfig.Type.POSTGRESQL) {
        WarehouseConfig warehouse = config.warehouse().get();
        Connection connection = DriverManager.getConnection(warehouse.jdbcUrl(), warehouse.jdbcProperties());
        String table = Identifiers.quoteAnsi(warehouse.schema()) + "." + Identifiers.quoteAnsi("fact_payment");
        targets.add(new Target("warehouse", connection,
            "SELECT payment_id FROM " + table + " WHERE payment_id = ANY(?)", false));
      }
      if (config.serving().isPresent() && config.serving().get().local().isPresent()) {
        ServingConfig.Local local = config.serving().get().local().get();
        Connection connection = DriverManager.getConnection(local.jdbcUrl(), local.jdbcProperties());
        // Only documents written since shortly before the last poll (a write's synced_at is its transaction's start,
        // so a margin covers writes that committed after that poll) of customers with payments outstanding are
        // opened, and only the ids asked for leave the server.
        targets.add(new Target("serving", connection,
            "SELECT (p->>'id')::bigint FROM lakesync_documents d CROSS JOIN LATERAL "
                + "json_array_elements(d.doc->'latestPayments') p WHERE d.doc_type = 'customer' "
                + "AND d.synced_at >= ? AND d.id = ANY(?) "
                + "AND NOT d.deleted AND (p->>'id')::bigint = ANY(?)", true));
      }
    } catch (SQLException e) {
      targets.forEach(Target::close);
      throw e;
    }
    PaymentProbe probe = new PaymentProbe(targets);
    probe.poller.start();
    return probe;
  }

  @Override
  public void committed(List<WorkloadGenerator.NewPayment> payments, long committedAtMs) {
    for (WorkloadGenerator.NewPayment payment : payments) {
      incoming.add(new Pending(payment.id(), payment.customerId(), committedAtMs));
    }
  }

  /** The targets measured, in chain order (warehouse, serving). */
  public List<String> targets() {
    return new ArrayList<>(targets.keySet());
  }

  public LatencySamples samples(String target) {
    Target found = targets.get(target);
    if (found == null) {
      throw new IllegalArgumentException("no probe of " + target);
    }
    return found.samples;
  }

  /** Payments a target has not shown within the give-up time. */
  public long unseen(String target) {
    Target found = targets.get(target);
    return found == null ? 0 : found.unseen.get();
  }

  /** Payments still looked for in a target. */
  public int outstanding(String target) {
    Target found = targets.get(target);
    return found == null ? 0 : found.outstandingCount;
  }

  private void pollLoop() {
    while (!closed) {
      long started = System.currentTimeMillis();
      List<Pending> arrived = new ArrayList<>();
      for (Pending next; (next = incoming.poll()) != null; ) {
        arrived.add(next);
      }
      for (Target target : targets.values()) {
        arrived.forEach(pending -> target.outstanding.put(pending.id, pending));
        try {
          target.poll();
        } catch (SQLException e) {
          // A table not created yet, or the stack going down: the next poll tries again.
          LOG.debug("probe of {} failed: {}", target.name, e.getMessage());
        }
      }
      long spent = System.currentTimeMillis() - started;
      try {
        Thread.sleep(Math.max(POLL_MS - spent, (BUDGET_FACTOR - 1) * spent));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    poller.interrupt();
    try {
      poller.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    targets.values().forEach(Target::close);
  }

  private static final class Pending {
    final long id;
    final long customerId;
    final long committedAtMs;

    Pending(long id, long customerId, long committedAtMs) {
      this.id = id;
      this.customerId = customerId;
      this.committedAtMs = committedAtMs;
    }
  }

  /** One store looked into: the payments still outstanding there and the latencies of those found. */
  private static final class Target {
    final String name;
    final Connection connection;
    final String query;
    final boolean byCustomer;
    final Map<Long, Pending> outstanding = new LinkedHashMap<>();
    final LatencySamples samples = new LatencySamples();
    final AtomicLong unseen = new AtomicLong();
    volatile int outstandingCount;
    long lastPollStartedMs;

    Target(String name, Connection connection, String query, boolean byCustomer) {
      this.name = name;
      this.connection = connection;
      this.query = query;
      this.byCustomer = byCustomer;
    }

    void poll() throws SQLException {
      long now = System.currentTimeMillis();
      outstanding.values().removeIf(pending -> {
        boolean expired = now - pending.committedAtMs > GIVE_UP_MS;
        if (expired) {
          unseen.incrementAndGet();
        }
        return expired;
      });
      outstandingCount = outstanding.size();
      if (outstanding.isEmpty()) {
        return;
      }
      Long[] ids = outstanding.keySet().toArray(new Long[0]);
      Set<String> customers = new HashSet<>();
      outstanding.values().forEach(pending -> customers.add(Long.toString(pending.customerId)));
      try (PreparedStatement statement = connection.prepareStatement(query)) {
        Array idArray = connection.createArrayOf("bigint", ids);
        if (byCustomer) {
          statement.setTimestamp(1, new java.sql.Timestamp(Math.max(0, lastPollStartedMs - WRITE_MARGIN_MS)));
          statement.setArray(2, connection.createArrayOf("text", customers.toArray(new String[0])));
          statement.setArray(3, idArray);
        } else {
          statement.setArray(1, idArray);
        }
        long seenAt = System.currentTimeMillis(); // the statement's snapshot: what it finds was visible by then
        lastPollStartedMs = seenAt;
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            Pending found = outstanding.remove(rows.getLong(1));
            if (found != null) {
              samples.add(found.committedAtMs, seenAt);
            }
          }
        }
      }
      outstandingCount = outstanding.size();
    }

    void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the {} probe: {}", name, e.getMessage());
      }
    }
  }
}
