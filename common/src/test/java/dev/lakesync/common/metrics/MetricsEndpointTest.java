package dev.lakesync.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void stagesInOneJvmShareTheirPortAndEachKeepsItsSeries() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    PrometheusMeterRegistry process = MetricsEndpoint.registry("process");
    Counter.builder("lakesync_process_batches").register(process).increment(3);
    PrometheusMeterRegistry warehouse = MetricsEndpoint.registry("warehouse");
    Counter.builder("lakesync_warehouse_passes").register(warehouse).increment(2);
    AtomicBoolean warehouseUp = new AtomicBoolean(true);
    MetricsEndpoint first = MetricsEndpoint.start("process", "127.0.0.1", port, process, () -> true);
    MetricsEndpoint second = MetricsEndpoint.start("warehouse", "127.0.0.1", port, warehouse, warehouseUp::get);
    try {
      assertThat(second.port()).isEqualTo(port);
      assertThat(get(port, "/metrics").body()).contains("lakesync_process_batches_total{stage=\"process\"} 3.0")
          .contains("lakesync_warehouse_passes_total{stage=\"warehouse\"} 2.0");
      assertThat(get(port, "/health").statusCode()).isEqualTo(200);
      warehouseUp.set(false);
      assertThat(get(port, "/health").statusCode()).isEqualTo(503);

      second.close();
      assertThat(get(port, "/health").statusCode()).isEqualTo(200);
      assertThat(get(port, "/metrics").body()).contains("lakesync_process_batches_total")
          .doesNotContain("lakesync_warehouse_passes_total");
    } finally {
      first.close();
    }
    // The last one closed stops the server: the port is free again.
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
