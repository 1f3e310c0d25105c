package dev.lakesync.demo.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lakesync.common.Identifiers;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.demo.freshness.LatencySamples;
import dev.lakesync.demo.freshness.PaymentProbe;
import dev.lakesync.demo.freshness.ProcessBatches;
import dev.lakesync.serving.sinks.DocumentLookup;
import dev.lakesync.serving.sinks.DocumentSearch;
import dev.lakesync.serving.sinks.SearchQuery;
import dev.lakesync.serving.sinks.Sinks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's live page on localhost: stages, freshness per target and table, throughput, quarantine reasons, the
 * warehouse's daily aggregates, and customer lookup and search from the serving store. JSON under {@code /api/},
 * one static page at {@code /} (no external scripts: the charts are drawn as SVG by the page itself).
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WINDOW_MS = 60_000;
  private static final int HISTORY_POINTS = 300;
  /** The demo bank's document type (deploy/local/pipeline.yaml): the page shows a customer's document. */
  private static final String DOCUMENT_TYPE = "customer";
  private static final long RATE_WINDOW_MS = 10_000; // the stages log every few seconds: a shorter window is spiky

  /** What the demo knows of one stage process right now. */
  public record StageSnapshot(String name, long total, String unit, Long lagMs, boolean alive) {
  }

  private final PipelineConfig config;
  private final PaymentProbe probe;
  private final Supplier<List<StageSnapshot>> stages;
  private final ProcessBatches batches;
  private final HttpServer server;
  private final ScheduledExecutorService sampler = SideBySide.scheduler("lakesync-dashboard-sampler");
  private final Deque<ObjectNode> throughput = new ArrayDeque<>();
  private final Map<String, Deque<long[]>> recentTotals = new HashMap<>();
  private DocumentLookup lookup;
  private DocumentSearch search;

  private Dashboard(PipelineConfig config, PaymentProbe probe, Supplier<List<StageSnapshot>> stages, HttpServer server) {
    this.config = config;
    this.probe = probe;
    this.stages = stages;
    this.batches = new ProcessBatches(config);
    this.server = server;
  }

  /**
   * Serves on 127.0.0.1:{@code port}; a port in use (or 0) takes any free one, and the URL says which.
   *
   * @param probe the payment probe for the warehouse and serving freshness, or null without one
   */
  public static Dashboard start(int port, PipelineConfig config, PaymentProbe probe,
      Supplier<List<StageSnapshot>> stages) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(loopback, port), 0);
    } catch (BindException e) {
      server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    }
    Dashboard dashboard = new Dashboard(config, probe, stages, server);
    server.createContext("/", dashboard::page);
    server.createContext("/api/status", exchange -> dashboard.answer(exchange, dashboard::status));
    server.createContext("/api/aggregates", exchange -> dashboard.answer(exchange, dashboard::aggregates));
    server.createContext("/api/customer", exchange -> dashboard.answer(exchange, () -> dashboard.customer(exchange)));
    server.createContext("/api/search", exchange -> dashboard.answer(exchange, () -> dashboard.search(exchange)));
    server.setExecutor(SideBySide.pool("lakesync-dashboard", 2));
    server.start();
    dashboard.sampler.scheduleAtFixedRate(dashboard::sample, 0, 2, TimeUnit.SECONDS);
    return dashboard;
  }

  public URI url() {
    return URI.create("http://localhost:" + server.getAddress().getPort() + "/");
  }

  /** Samples each stage's total every 2 s into the throughput history: events/s over the last 10 s per stage. */
  private synchronized void sample() {
    try {
      long now = System.currentTimeMillis();
      ObjectNode point = JSON.createObjectNode().put("at", now);
      for (StageSnapshot stage : stages.get()) {
        Deque<long[]> totals = recentTotals.computeIfAbsent(stage.name(), name -> new ArrayDeque<>());
        totals.addLast(new long[] {now, stage.total()});
        while (totals.size() > 2 && now - totals.peekFirst()[0] > RATE_WINDOW_MS) {
          totals.removeFirst();
        }
        long[] first = totals.peekFirst();
        double rate = now <= first[0] ? 0 : (stage.total() - first[1]) * 1000.0 / (now - first[0]);
        point.put(stage.name(), Math.max(0, Math.round(rate)));
      }
      throughput.addLast(point);
      while (throughput.size() > HISTORY_POINTS) {
        throughput.removeFirst();
      }
    } catch (RuntimeException e) {
      LOG.debug("dashboard sample failed: {}", e.getMessage());
    }
  }

  private JsonNode status() throws IOException {
    long now = System.currentTimeMillis();
    ObjectNode status = JSON.createObjectNode().put("now", now).put("pipeline", config.name());
    ArrayNode stageList = status.putArray("stages");
    synchronized (this) {
      for (StageSnapshot stage : stages.get()) {
        ObjectNode node = stageList.addObject().put("name", stage.name()).put("total", stage.total())
            .put("unit", stage.unit()).put("alive", stage.alive());
        node.put("rate", throughput.isEmpty() ? 0 : throughput.peekLast().path(stage.name()).asLong());
        if (stage.lagMs() != null) {
          node.put("lagMs", stage.lagMs());
        }
      }
      status.putArray("throughput").addAll(new ArrayList<>(throughput));
    }

    ArrayNode freshness = status.putArray("freshness");
    List<ProcessBatches.Batch> all = batches.refresh();
    Map<String, List<Long>> recentLake = new TreeMap<>();
    Map<String, Long> lastLake = new TreeMap<>();
    Map<String, Long> quarantined = new TreeMap<>();
    ArrayNode latestReasons = JSON.createArrayNode();
    for (ProcessBatches.Batch batch : all) {
      batch.lagMsByTable.forEach((table, lag) -> {
        lastLake.put(table, lag);
        if (now - batch.endedAtMs <= WINDOW_MS) {
          recentLake.computeIfAbsent(table, t -> new ArrayList<>()).add(lag);
        }
      });
      batch.quarantinedByReason.forEach((reason, count) -> quarantined.merge(reason, count, Long::sum));
    }
    lastLake.forEach((table, lag) -> {
      LatencySamples.Summary recent = LatencySamples.Summary.of(recentLake.getOrDefault(table, List.of()));
      freshness.addObject().put("target", "lake").put("table", table).put("lastMs", lag)
          .put("p50Ms", recent.p50Ms).put("p99Ms", recent.p99Ms).put("samples", recent.count)
          .put("measure", "batch end - newest source commit in the batch");
    });
    if (probe != null) {
      for (String target : probe.targets()) {
        LatencySamples samples = probe.samples(target);
        LatencySamples.Summary recent = samples.between(now - WINDOW_MS, now + 1);
        freshness.addObject().put("target", target)
            .put("table", target.equals("warehouse") ? "fact_payment" : "customer documents")
            .put("lastMs", samples.last()).put("p50Ms", recent.p50Ms).put("p99Ms", recent.p99Ms)
            .put("samples", recent.count).put("outstanding", probe.outstanding(target))
            .put("measure", "payment commit - first seen by a poll every " + PaymentProbe.POLL_MS + " ms");
      }
    }

    for (int i = all.size() - 1; i >= 0 && latestReasons.size() < 10; i--) {
      ProcessBatches.Batch batch = all.get(i);
      batch.quarantinedByReason.forEach((reason, count) -> {
        if (latestReasons.size() < 10) {
          latestReasons.addObject().put("batch", batch.id).put("at", batch.endedAtMs).put("reason", reason).put("count", count);
        }
      });
    }
    ObjectNode quarantine = status.putObject("quarantine");
    quarantine.put("total", quarantined.values().stream().mapToLong(Long::longValue).sum());
    ObjectNode byReason = quarantine.putObject("byReason");
    quarantined.forEach(byReason::put);
    quarantine.set("latest", latestReasons);
    return status;
  }

  /** agg_payments_daily from the warehouse, the newest 31 days. */
  private JsonNode aggregates() throws SQLException {
    ArrayNode rows = JSON.createArrayNode();
    Optional<WarehouseConfig> warehouse = config.warehouse();
    if (warehouse.isEmpty() || warehouse.get().type() != WarehouseConfig.Type.POSTGRESQL) {
      return rows;
    }
    String table = Identifiers.quoteAnsi(warehouse.get().schema()) + "." + Identifiers.quoteAnsi("agg_payments_daily");
    try (Connection connection = DriverManager.getConnection(warehouse.get().jdbcUrl(), warehouse.get().jdbcProperties());
         Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT payment_date, segment, currency, payment_count, amount_sum, "
             + "amount_avg FROM " + table + " WHERE payment_date >= (SELECT max(payment_date) - 30 FROM " + table + ") "
             + "ORDER BY payment_date, segment, currency")) {
      while (result.next()) {
        rows.addObject().put("day", result.getString(1)).put("segment", result.getString(2))
            .put("currency", result.getString(3)).put("count", result.getLong(4))
            .put("sum", result.getBigDecimal(5)).put("avg", result.getBigDecimal(6));
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return rows; // the warehouse loader has not created it yet
      }
      throw e;
    }
    return rows;
  }

  private JsonNode customer(HttpExchange exchange) throws Exception {
    String id = query(exchange).getOrDefault("id", "").trim();
    if (!id.matches("\\d{1,18}")) {
      throw new BadRequest("id must be a customer id (digits), got '" + id + "'");
    }
    Optional<String> document;
    synchronized (this) {
      if (lookup == null) {
        lookup = Sinks.lookup(config.serving().orElseThrow(() -> new BadRequest("the pipeline config has no serving section")));
      }
      document = lookup.get(DOCUMENT_TYPE, id, id);
    }
    ObjectNode answer = JSON.createObjectNode().put("id", id).put("found", document.isPresent());
    if (document.isPresent()) {
      answer.set("document", JSON.readTree(document.get()));
    }
    return answer;
  }

  private JsonNode search(HttpExchange exchange) throws Exception {
    String text = query(exchange).getOrDefault("q", "").trim();
    if (text.isEmpty() || text.length() > 200) {
      throw new BadRequest("q must be 1 to 200 characters");
    }
    List<String> found;
    synchronized (this) {
      if (search == null) {
        search = Sinks.search(config.serving().orElseThrow(() -> new BadRequest("the pipeline config has no serving section")));
      }
      found = search.search(new SearchQuery(DOCUMENT_TYPE, text, Map.of(), 10));
    }
    ArrayNode documents = JSON.createArrayNode();
    for (String document : found) {
      documents.add(JSON.readTree(document));
    }
    return JSON.createObjectNode().put("q", text).set("documents", documents);
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> parameters = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return parameters;
  }

  private interface Answer {
    JsonNode get() throws Exception;
  }

  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }

  private void answer(HttpExchange exchange, Answer answer) throws IOException {
    int code = 200;
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(answer.get());
    } catch (BadRequest e) {
      code = 400;
      body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", e.getMessage()));
    } catch (Exception e) {
      code = 503;
      LOG.debug("dashboard {} failed", exchange.getRequestURI().getPath(), e);
      body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
    send(exchange, code, "application/json", body);
  }

  private void page(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals("/")) {
      send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    try (InputStream page = Dashboard.class.getResourceAsStream("/dashboard/index.html")) {
      send(exchange, 200, "text/html; charset=utf-8", page.readAllBytes());
    }
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    server.stop(0);
    synchronized (this) {
      if (lookup != null) {
        lookup.close();
      }
      if (search != null) {
        search.close();
      }
    }
  }
}
