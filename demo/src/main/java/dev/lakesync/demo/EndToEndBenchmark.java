package dev.lakesync.demo;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.demo.freshness.LatencySamples;
import dev.lakesync.demo.freshness.PaymentProbe;
import dev.lakesync.localstack.LocalStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./lakesync bench e2e}: the demo pipeline (embedded stack, the four stages as processes) under the workload at
 * 200 and then 1,000 changes/s, measuring freshness from source commit to (a) the validated Delta tables, every
 * change, from their Change Data Feed; (b) the warehouse and (c) the serving store, every payment, by polling them
 * ({@link PaymentProbe}). Each rate has its own window of source commits; a warm-up at the low rate first lets every
 * Spark stage pass its cold start.
 */
public final class EndToEndBenchmark {
  private static final double[] RATES = {200, 1000};
  private static final Pattern LAKE = Pattern.compile("^lake: window=(\\S+) changes=(\\d+) p50_ms=(-?\\d+) p99_ms=(-?\\d+) max_ms=(-?\\d+)");
  private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(6);

  private final Path home;
  private final PrintStream out;
  private final Duration window;

  public EndToEndBenchmark(Path home, PrintStream out, boolean quick) {
    this.home = home;
    this.out = out;
    this.window = quick ? Duration.ofSeconds(15) : Duration.ofSeconds(60);
  }

  public int run() throws Exception {
    BenchWorkspace workspace = BenchWorkspace.create(home, "lakesync-bench-e2e-");
    Path work = workspace.work;
    Map<String, String> env = workspace.env;
    Path configFile = workspace.configFile;
    PipelineConfig config = workspace.config;
    Demo pipeline = new Demo(home, config, configFile, out, false, env);
    out.println("bench e2e: starting the stack, capture and the Spark stages' one application (work folder " + work
        + ")");
    Map<String, long[]> windows = new LinkedHashMap<>();
    try (LocalStack stack = LocalStack.start(config, workspace.settings, true)) {
      pipeline.startStages();
      try (PaymentProbe probe = PaymentProbe.start(config);
           WorkloadGenerator generator = new WorkloadGenerator(
               DriverManager.getConnection(config.source().jdbcUrl(), config.source().jdbcProperties()), 7, 0.01)) {
        generator.onCommit(probe);
        if (!warmUp(pipeline, generator, probe)) {
          return stageDied(pipeline);
        }
        for (double rate : RATES) {
          String label = Long.toString((long) rate);
          long changesBefore = generator.counts().totalChanges();
          long from = System.currentTimeMillis();
          generator.run(rate, window, () -> pipeline.deadStage() != null);
          long to = System.currentTimeMillis();
          if (pipeline.deadStage() != null) {
            return stageDied(pipeline);
          }
          windows.put(label, new long[] {from, to, generator.counts().totalChanges() - changesBefore});
          out.printf(Locale.ROOT, "bench e2e: %s changes/s for %d s: %d row changes committed%n", label,
              window.toSeconds(), windows.get(label)[2]);
        }
        out.println("bench e2e: workload stopped; waiting until every stage has caught up");
        if (pipeline.drain() != 0) {
          return 1;
        }
        Thread.sleep(2 * PaymentProbe.POLL_MS + 500); // the probe's last look
        pipeline.stopStages();
        Map<String, long[]> lake = lakeFreshness(configFile, env, windows);
        return report(windows, lake, probe);
      } finally {
        pipeline.stopStages();
      }
    }
  }

  /** Runs the low rate until the serving store shows new payments within 20 s of their commit (the cold starts over). */
  private boolean warmUp(Demo pipeline, WorkloadGenerator generator, PaymentProbe probe) throws Exception {
    out.println("bench e2e: warming up at 200 changes/s until every stage keeps up");
    long started = System.nanoTime();
    while (System.nanoTime() - started < WARM_UP_LIMIT.toNanos()) {
      long from = System.currentTimeMillis();
      generator.run(RATES[0], Duration.ofSeconds(5), () -> pipeline.deadStage() != null);
      if (pipeline.deadStage() != null) {
        return false;
      }
      LatencySamples.Summary recent = probe.samples("serving").between(from - 20_000, Long.MAX_VALUE);
      if (recent.count > 0 && recent.maxMs < 20_000 && probe.outstanding("serving") < 2 * RATES[0] * 10) {
        out.printf(Locale.ROOT, "bench e2e: warm after %.0f s%n", (System.nanoTime() - started) / 1e9);
        return true;
      }
    }
    out.println("bench e2e: the stages did not keep up with 200 changes/s within " + WARM_UP_LIMIT.toMinutes()
        + " minutes; measuring anyway");
    return true;
  }

  private int stageDied(Demo pipeline) throws InterruptedException {
    return pipeline.failed(pipeline.deadStage());
  }

  /** The lake's side, from the validated tables' Change Data Feed, in a Spark JVM of its own. */
  private Map<String, long[]> lakeFreshness(Path configFile, Map<String, String> env, Map<String, long[]> windows)
      throws IOException, InterruptedException {
    StringBuilder spec = new StringBuilder();
    windows.forEach((label, range) -> spec.append(spec.length() == 0 ? "" : ",").append(label).append(':')
        .append(range[0]).append(':').append(range[1]));
    ProcessBuilder builder = new ProcessBuilder(home.resolve("lakesync").toString(), "bench", "e2e-lake", "--config",
        configFile.toString(), "--windows", spec.toString()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Map<String, long[]> lake = new HashMap<>();
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(line);
        Matcher matcher = LAKE.matcher(line);
        if (matcher.find()) {
          lake.put(matcher.group(1), new long[] {Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)),
              Long.parseLong(matcher.group(4))});
        }
      }
    }
    if (process.waitFor() != 0 || lake.size() != windows.size()) {
      out.println("bench e2e: reading the lake's Change Data Feed failed:");
      lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(out::println);
    }
    return lake;
  }

  private int report(Map<String, long[]> windows, Map<String, long[]> lake, PaymentProbe probe) {
    String last = null;
    for (Map.Entry<String, long[]> entry : windows.entrySet()) {
      long[] range = entry.getValue();
      long[] lakeFigures = lake.getOrDefault(entry.getKey(), new long[] {0, -1, -1});
      LatencySamples.Summary warehouse = probe.samples("warehouse").between(range[0], range[1]);
      LatencySamples.Summary serving = probe.samples("serving").between(range[0], range[1]);
      double seconds = (range[1] - range[0]) / 1000.0;
      out.printf(Locale.ROOT, "bench e2e: rate=%s achieved_per_s=%.0f lake_changes=%d lake_p50_ms=%d lake_p99_ms=%d "
              + "warehouse_payments=%d warehouse_p50_ms=%d warehouse_p99_ms=%d serving_payments=%d serving_p50_ms=%d "
              + "serving_p99_ms=%d%n", entry.getKey(), range[2] / seconds, lakeFigures[0], lakeFigures[1], lakeFigures[2],
          warehouse.count, warehouse.p50Ms, warehouse.p99Ms, serving.count, serving.p50Ms, serving.p99Ms);
      // The last line: the highest rate, p50/p99 to the end of the chain (the serving document).
      last = String.format(Locale.ROOT, "bench e2e: changes=%d throughput_per_s=%.0f p50_ms=%d p99_ms=%d rate=%s "
              + "lake_p99_ms=%d warehouse_p99_ms=%d serving_p99_ms=%d unseen_warehouse=%d unseen_serving=%d "
              + "serving_over_lake_p99=%.2f",
          range[2], range[2] / seconds, serving.p50Ms, serving.p99Ms, entry.getKey(), lakeFigures[2], warehouse.p99Ms,
          serving.p99Ms, probe.unseen("warehouse"), probe.unseen("serving"),
          (double) serving.p99Ms / Math.max(1, lakeFigures[2]));
    }
    out.println(last);
    return lake.size() == windows.size() ? 0 : 1;
  }

}
