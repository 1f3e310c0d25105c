package dev.lakesync.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageLoop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PassMetricsTest {
  @Test
  void servesPassesFailuresItemsAndTimesOnLoopbackMetrics() throws Exception {
    Commands.Metrics options = new Commands.Metrics();
    options.port = 0;
    PassMetrics metrics = (PassMetrics) StageLoop.observer("warehouse", "changes_loaded", options);
    metrics.passed(120, 40);
    metrics.passed(0, 10);
    metrics.failed();

    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("lakesync_warehouse_passes_total{stage=\"warehouse\"} 2.0")
        .contains("lakesync_warehouse_pass_failures_total{stage=\"warehouse\"} 1.0")
        .contains("lakesync_warehouse_changes_loaded_total{stage=\"warehouse\"} 120.0")
        .contains("lakesync_warehouse_pass_milliseconds_count{stage=\"warehouse\"} 2")
        .containsPattern("lakesync_warehouse_since_last_pass_ms\\{stage=\"warehouse\"} \\d");
  }

  @Test
  void withoutAPortTheLoopIsToldNothing() {
    assertThat(StageLoop.observer("serving", "documents_sent", new Commands.Metrics())).isSameAs(StageLoop.Observer.NONE);
  }
}
