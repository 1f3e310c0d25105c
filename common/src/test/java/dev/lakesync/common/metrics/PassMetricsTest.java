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
  void servesSeriesPerLabelValueReadWhenScraped() throws Exception {
    Commands.Metrics options = new Commands.Metrics();
    options.port = 0;
    PassMetrics metrics = (PassMetrics) StageLoop.observer("serving", "documents_sent", options);
    java.util.concurrent.atomic.AtomicLong throttled = new java.util.concurrent.atomic.AtomicLong(3);
    metrics.series("sink_throttled", "throttled requests", true, "sink", java.util.Map.of("cosmos", throttled::get));
    metrics.series("table_freshness_ms", "freshness", false, "table", java.util.Map.of("bank.customers", () -> 1500));
    throttled.set(7);

    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(body).contains("lakesync_serving_sink_throttled_total{sink=\"cosmos\",stage=\"serving\"} 7.0")
        .contains("lakesync_serving_table_freshness_ms{stage=\"serving\",table=\"bank.customers\"} 1500.0");
  }

  @Test
  void withoutAPortTheLoopIsToldNothing() {
    assertThat(StageLoop.observer("serving", "documents_sent", new Commands.Metrics())).isSameAs(StageLoop.Observer.NONE);
  }
}
