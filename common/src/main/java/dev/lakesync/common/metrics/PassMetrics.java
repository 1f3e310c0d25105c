package dev.lakesync.common.metrics;

import dev.lakesync.common.cli.StageLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The meters of a stage that works in passes (warehouse loads, serving syncs): passes and failed passes, the items
 * written (rows, documents), each pass's time, and how long since the last pass that succeeded.
 */
public final class PassMetrics implements StageLoop.Observer {
  private final Counter passes;
  private final Counter failures;
  private final Counter items;
  private final DistributionSummary passMs;
  private final AtomicLong lastSuccessMs = new AtomicLong();
  private final MetricsEndpoint endpoint;
  private final PrometheusMeterRegistry registry;
  private final String prefix;
  /** Micrometer holds what a function meter reads weakly: the suppliers stay here. */
  private final List<LongSupplier> suppliers = new ArrayList<>();

  private PassMetrics(String stage, String itemsName, String address, int port) {
    registry = MetricsEndpoint.registry(stage);
    prefix = "lakesync_" + stage + "_";
    passes = Counter.builder(prefix + "passes").description("passes that succeeded").register(registry);
    failures = Counter.builder(prefix + "pass_failures")
        .description("passes that failed and were tried again (a stage gives up after 10 in a row)").register(registry);
    items = Counter.builder(prefix + itemsName).description(itemsName.replace('_', ' ') + " by the passes")
        .register(registry);
    passMs = DistributionSummary.builder(prefix + "pass").description("time of a pass that succeeded")
        .baseUnit("milliseconds").publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder(prefix + "since_last_pass_ms", lastSuccessMs,
        last -> last.get() == 0 ? -1 : System.currentTimeMillis() - last.get())
        .description("time since the last pass that succeeded; -1 before the first").register(registry);
    endpoint = MetricsEndpoint.start(stage, address, port, registry, () -> true);
  }

  /**
   * Serves the meters of {@code stage} on {@code address:port}.
   *
   * @param itemsName what the passes write, e.g. "rows_loaded"
   */
  public static PassMetrics serve(String stage, String itemsName, String address, int port) {
    return new PassMetrics(stage, itemsName, address, port);
  }

  public int port() {
    return endpoint.port();
  }

  @Override
  public void passed(long written, long millis) {
    passes.increment();
    items.increment(written);
    passMs.record(millis);
    lastSuccessMs.set(System.currentTimeMillis());
  }

  @Override
  public void failed() {
    failures.increment();
  }

  @Override
  public void series(String name, String description, boolean counter, String label, Map<String, LongSupplier> byValue) {
    byValue.forEach((value, supplier) -> {
      suppliers.add(supplier);
      if (counter) {
        FunctionCounter.builder(prefix + name, supplier, LongSupplier::getAsLong).description(description)
            .tag(label, value).register(registry);
      } else {
        Gauge.builder(prefix + name, supplier, LongSupplier::getAsLong).description(description).tag(label, value)
            .register(registry);
      }
    });
  }
}
