package dev.lakesync.cdc;

import dev.lakesync.common.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counters and gauges of the capture stage, exposed on /metrics and summarized in the status line. */
final class CaptureMetrics {
  private final PrometheusMeterRegistry registry = MetricsEndpoint.registry("capture");
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  /** Per table, the source commit time of its newest acknowledged change. */
  private final Map<String, AtomicLong> newestByTable = new ConcurrentHashMap<>();
  private final Counter skipped;
  private final Counter changes;
  private final DistributionSummary ackLatency;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong markers = new AtomicLong();
  private final AtomicLong lastSourceTsMs = new AtomicLong();
  private final AtomicLong lastAckMs = new AtomicLong();
  private final AtomicReference<String> lastPosition = new AtomicReference<>("none yet");

  CaptureMetrics() {
    changes = Counter.builder("lakesync_capture_changes").description("row change events acknowledged by the broker "
        + "(transaction markers not counted)").register(registry);
    skipped = Counter.builder("lakesync_capture_skipped").description("heartbeats and control-table records, acknowledged but not published")
        .register(registry);
    ackLatency = DistributionSummary.builder("lakesync_capture_commit_to_ack")
        .description("source commit to broker acknowledgement").baseUnit("milliseconds")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("lakesync_capture_lag_ms", this, CaptureMetrics::lagMs)
        .description("now minus the source commit time of the newest acknowledged change").register(registry);
  }

  void acknowledged(String table, Long sourceTsMs, long nowMs) {
    published.computeIfAbsent(table, t -> Counter.builder("lakesync_capture_published").tag("table", t)
        .description("change events acknowledged by the broker").register(registry)).increment();
    if (sourceTsMs == null) {
      markers.incrementAndGet();
    } else {
      total.incrementAndGet();
      changes.increment();
    }
    lastAckMs.set(nowMs);
    if (sourceTsMs != null) {
      lastSourceTsMs.accumulateAndGet(sourceTsMs, Math::max);
      ackLatency.record(Math.max(0, nowMs - sourceTsMs));
      newestByTable.computeIfAbsent(table, this::freshnessOf).accumulateAndGet(sourceTsMs, Math::max);
    }
  }

  private AtomicLong freshnessOf(String table) {
    AtomicLong newest = new AtomicLong();
    Gauge.builder("lakesync_capture_freshness_ms", newest, at -> at.get() == 0 ? -1 : System.currentTimeMillis() - at.get())
        .tag("table", table)
        .description("now minus the source commit time of the table's newest acknowledged change").register(registry);
    return newest;
  }

  void skipped() {
    skipped.increment();
  }

  void position(String position) {
    lastPosition.set(position);
  }

  /** Row change events acknowledged (transaction markers not included). */
  long total() {
    return total.get();
  }

  /** Transaction BEGIN/END markers acknowledged. */
  long markers() {
    return markers.get();
  }

  long lastAckMs() {
    return lastAckMs.get();
  }

  String lastPosition() {
    return lastPosition.get();
  }

  /** Lag of the newest acknowledged change, or -1 before the first. */
  double lagMs() {
    long last = lastSourceTsMs.get();
    return last == 0 ? -1 : System.currentTimeMillis() - last;
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  String scrape() {
    return registry.scrape();
  }
}
