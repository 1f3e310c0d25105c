package dev.lakesync.stream;

import dev.lakesync.common.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * The processor's meters on /metrics: what became of every record of each batch, per table how far the validated
 * table is behind the source, the batch and phase times, and the query's own rates (Spark's listener).
 */
final class ProcessMetrics extends StreamingQueryListener implements Consumer<BatchMetrics> {
  private final PrometheusMeterRegistry registry = MetricsEndpoint.registry("process");
  private final Map<String, Counter> records = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> newestSourceTsByTable = new ConcurrentHashMap<>();
  private final Counter batches;
  private final Counter landed;
  private final Counter queryFailures;
  private final DistributionSummary batchMs;
  private final AtomicLong lagMs = new AtomicLong(-1);
  private final AtomicLong openTransactions = new AtomicLong();
  private final AtomicLong inputRowsPerSecond = new AtomicLong();
  private final AtomicLong processedRowsPerSecond = new AtomicLong();
  private final MetricsEndpoint endpoint;

  private ProcessMetrics(String address, int port) {
    batches = Counter.builder("lakesync_process_batches").description("micro-batches done").register(registry);
    landed = Counter.builder("lakesync_process_landed")
        .description("records of the topics landed (each then counted once under lakesync_process_records)")
        .register(registry);
    queryFailures = Counter.builder("lakesync_process_query_failures")
        .description("streaming queries that ended with an error").register(registry);
    batchMs = DistributionSummary.builder("lakesync_process_batch").description("time of a micro-batch")
        .baseUnit("milliseconds").publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("lakesync_process_lag_ms", lagMs, AtomicLong::get)
        .description("at the end of the last batch, now minus the newest source commit it applied; -1 before")
        .register(registry);
    Gauge.builder("lakesync_process_open_transactions", openTransactions, AtomicLong::get)
        .description("source transactions seen only in part after the last batch").register(registry);
    Gauge.builder("lakesync_process_input_rows_per_second", inputRowsPerSecond, AtomicLong::get)
        .description("Spark's input rate of the last batch").register(registry);
    Gauge.builder("lakesync_process_processed_rows_per_second", processedRowsPerSecond, AtomicLong::get)
        .description("Spark's processing rate of the last batch").register(registry);
    endpoint = MetricsEndpoint.start("process", address, port, registry, () -> true);
  }

  /** Serves the meters and listens to the session's streaming queries. */
  static ProcessMetrics serve(SparkSession spark, String address, int port) {
    ProcessMetrics metrics = new ProcessMetrics(address, port);
    spark.streams().addListener(metrics);
    return metrics;
  }

  int port() {
    return endpoint.port();
  }

  @Override
  public void accept(BatchMetrics batch) {
    long now = System.currentTimeMillis();
    batches.increment();
    batchMs.record(now - batch.startedAtMs);
    landed.increment(batch.landed);
    count("applied", batch.applied);
    count("superseded", batch.superseded());
    count("quarantined", batch.quarantined);
    count("dropped", batch.dropped);
    count("unknown_table", batch.unknownTable);
    count("transaction_markers", batch.markers);
    Long lag = batch.lagMs(now);
    if (lag != null) {
      lagMs.set(lag);
    }
    openTransactions.set(batch.openTransactions);
    batch.landedByTable.forEach((table, landed) -> Counter.builder("lakesync_process_landed_by_table")
        .description("records landed per table").tag("table", table).register(registry).increment(landed));
    batch.quarantinedByReason.forEach((reason, count) -> Counter.builder("lakesync_process_quarantined_by_reason")
        .description("records quarantined per reason").tag("reason", reason).register(registry).increment(count));
    batch.phasesMs.forEach((phase, ms) -> DistributionSummary.builder("lakesync_process_phase")
        .description("time of a batch phase (summed over the tables, which run side by side)").tag("phase", phase)
        .baseUnit("milliseconds").register(registry).record(ms));
    batch.newestSourceTsByTable.forEach((table, newest) -> newestSourceTsByTable.computeIfAbsent(table, name -> {
      AtomicLong held = new AtomicLong();
      Gauge.builder("lakesync_process_freshness_ms", held, value -> System.currentTimeMillis() - value.get()).tag("table", name)
          .description("now minus the newest source commit applied to the table's validated rows").register(registry);
      return held;
    }).accumulateAndGet(newest, Math::max));
  }

  private void count(String outcome, long value) {
    records.computeIfAbsent(outcome, name -> Counter.builder("lakesync_process_records").tag("outcome", name)
        .description("records of the topics by what became of them").register(registry)).increment(value);
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    double input = event.progress().inputRowsPerSecond();
    double processed = event.progress().processedRowsPerSecond();
    inputRowsPerSecond.set(Double.isNaN(input) ? 0 : Math.round(input));
    processedRowsPerSecond.set(Double.isNaN(processed) ? 0 : Math.round(processed));
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      queryFailures.increment();
    }
  }
}
