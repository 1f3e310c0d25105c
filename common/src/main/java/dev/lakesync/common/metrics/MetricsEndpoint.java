package dev.lakesync.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A stage's meters and the tiny HTTP endpoint that serves them: {@code /metrics} (Prometheus text) and
 * {@code /health} (200 UP or 503 DOWN). Bound to the loopback interface unless told otherwise. Stages run in one JVM
 * ({@code run process --with}) given the same port share its endpoint: /metrics joins their registries (each stage's
 * series have names of their own) and /health is UP when every one of them is.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** The endpoints this JVM serves, by address and port (a port picked by the system is never shared). */
  private static final Map<String, Shared> SERVED = new ConcurrentHashMap<>();

  /** One HTTP server and the registries and health checks of the stages that share it. */
  private static final class Shared {
    final HttpServer server;
    final List<PrometheusMeterRegistry> registries = new CopyOnWriteArrayList<>();
    final List<BooleanSupplier> health = new CopyOnWriteArrayList<>();

    Shared(HttpServer server) {
      this.server = server;
    }

    String scrape() {
      StringBuilder text = new StringBuilder();
      registries.forEach(registry -> text.append(registry.scrape()));
      return text.toString();
    }

    boolean healthy() {
      return health.stream().allMatch(BooleanSupplier::getAsBoolean);
    }
  }

  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier healthy;
  private final Shared shared;
  private final String key;

  private MetricsEndpoint(PrometheusMeterRegistry registry, BooleanSupplier healthy, Shared shared, String key) {
    this.registry = registry;
    this.healthy = healthy;
    this.shared = shared;
    this.key = key;
  }

  /**
   * @param address where to listen ("127.0.0.1" keeps it on this machine; "0.0.0.0" every interface)
   * @param port    0 picks a free one
   */
  public static MetricsEndpoint start(String stage, String address, int port, PrometheusMeterRegistry registry,
      BooleanSupplier healthy) {
    String key = port == 0 ? null : address + ":" + port;
    Shared shared = key == null ? serve(stage, address, port) : SERVED.computeIfAbsent(key, k -> serve(stage, address, port));
    shared.registries.add(registry);
    shared.health.add(healthy);
    return new MetricsEndpoint(registry, healthy, shared, key);
  }

  private static Shared serve(String stage, String address, int port) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the " + stage + " stage's metrics on " + address + ":" + port + ": "
          + e.getMessage() + " (choose another --metrics-port)", e);
    }
    Shared shared = new Shared(server);
    server.createContext("/health", exchange -> {
      boolean up = shared.healthy();
      respond(exchange, up ? 200 : 503, up ? "UP\n" : "DOWN\n", "text/plain");
    });
    server.createContext("/metrics", exchange -> respond(exchange, 200, shared.scrape(), "text/plain; version=0.0.4"));
    server.start();
    return shared;
  }

  /** A registry for {@link #start}, with the stage as a common tag. */
  public static PrometheusMeterRegistry registry(String stage) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("stage", stage);
    return registry;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return shared.server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body, String contentType) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops serving this stage's meters; the server stops with the last stage sharing it. */
  @Override
  public void close() {
    shared.registries.remove(registry);
    shared.health.remove(healthy);
    synchronized (SERVED) {
      if (shared.registries.isEmpty()) {
        if (key != null) {
          SERVED.remove(key, shared);
        }
        shared.server.stop(0);
      }
    }
  }
}
