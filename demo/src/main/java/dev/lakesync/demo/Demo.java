package dev.lakesync.demo;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.demo.dashboard.Dashboard;
import dev.lakesync.demo.freshness.PaymentProbe;
import dev.lakesync.localstack.LocalStack;
import dev.lakesync.localstack.LocalStackConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./lakesync demo}: the embedded stack, capture as its own process and the Spark stages as one application
 * ({@code run process --with warehouse,serving}), and the workload; progress while it runs; then the workload stops,
 * every stage catches up, the stages stop gracefully, and verify prints the reconciliation line, the last line of the
 * demo. The chaos soak runs each stage as its own process instead, so that it can kill one at a time.
 */
public final class Demo {
  static final List<String> STAGES = List.of("capture", "process", "warehouse", "serving");
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

  private final Path home;
  private final PipelineConfig config;
  private final Path configFile;
  private final PrintStream out;
  private final boolean terminal;
  private final Map<String, String> stageEnv;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<StageProcess> stages = new CopyOnWriteArrayList<>(); // the dashboard reads it too
  /** The stages last stopped: the dashboard shows them (stopped) while verify runs, instead of no stage at all. */
  private final List<StageProcess> stopped = new CopyOnWriteArrayList<>();
  private final Map<String, Long> lastTotals = new HashMap<>();
  private boolean oneApplication = true;
  private long lastProgressNanos = System.nanoTime();
  private int linesDrawn;

  public Demo(Path home, PipelineConfig config, Path configFile, PrintStream out, boolean terminal) {
    this(home, config, configFile, out, terminal, Map.of());
  }

  /** @param stageEnv environment for the stage processes on top of this one's (a benchmark's ports and folders) */
  Demo(Path home, PipelineConfig config, Path configFile, PrintStream out, boolean terminal, Map<String, String> stageEnv) {
    this.stageEnv = stageEnv;
    this.home = home;
    this.config = config;
    this.configFile = configFile.toAbsolutePath();
    this.out = out;
    this.terminal = terminal;
  }

  /** Each stage as its own process, rather than the Spark stages as one application (the chaos soak kills each). */
  Demo separateProcesses() {
    oneApplication = false;
    return this;
  }

  /** Asks a running demo to stop its workload and finish (Ctrl-C). */
  public void requestStop() {
    stop.set(true);
  }

  /**
   * @param dashboardPort the live page's port (0: any free one), null for none
   */
  public int run(double rate, Duration duration, boolean fresh, Integer dashboardPort) throws Exception {
    long started = System.nanoTime();
    out.println("demo: starting PostgreSQL and Kafka (data in " + config.workDir().toAbsolutePath().normalize() + ")");
    LocalStack stack = LocalStack.start(config,
        LocalStackConfig.load(configFile, name -> stageEnv.getOrDefault(name, System.getenv(name))), fresh);
    boolean stackOpen = true;
    PaymentProbe probe = null;
    Dashboard dashboard = null;
    try {
      out.printf(Locale.ROOT, "demo: stack ready in %.1f s; starting the stages (logs in %s)%n",
          (System.nanoTime() - started) / 1e9, logs());
      startStages();
      if (dashboardPort != null) {
        probe = PaymentProbe.start(config);
        dashboard = Dashboard.start(dashboardPort, config, probe, this::snapshots);
        out.println("demo: dashboard at " + dashboard.url() + " (freshness, throughput, quarantine, aggregates, lookup)");
      }
      AtomicReference<Exception> workloadFailure = new AtomicReference<>();
      WorkloadGenerator[] generator = new WorkloadGenerator[1];
      Thread workload = startWorkload(rate, duration, generator, workloadFailure, probe);
      out.printf(Locale.ROOT, "demo: workload at %.0f changes/s %s; Ctrl-C stops it early%n", rate,
          duration == null ? "until Ctrl-C" : "for " + duration.toSeconds() + " s");

      while (workload.isAlive()) {
        StageProcess dead = deadStage();
        if (dead != null) {
          stop.set(true);
          workload.join();
          return failed(dead);
        }
        showProgress("running");
        workload.join(2000);
      }
      if (workloadFailure.get() != null) {
        stopStages();
        out.println("demo: the workload failed: " + workloadFailure.get().getMessage());
        return 1;
      }
      say("demo: workload done: " + generator[0].counts().totalChanges() + " row changes, "
          + generator[0].counts().totalViolations() + " rule-breaking");
      say(generator[0].counts().describe());
      int drained = drain();
      if (drained != 0) {
        return drained;
      }
      stopStages();
      List<String> verify = verify();
      if (verify.isEmpty()) {
        return 1; // verify() has shown why
      }
      verify.subList(0, verify.size() - 1).forEach(out::println);
      String reconciliation = verify.get(verify.size() - 1);
      stackOpen = false;
      stack.close();
      out.println(reconciliation);
      return reconciliation.startsWith("reconciliation:") && reconciliation.endsWith("mismatches=0") ? 0 : 1;
    } finally {
      if (dashboard != null) {
        dashboard.close();
      }
      if (probe != null) {
        probe.close();
      }
      stopStages();
      if (stackOpen) {
        stack.close();
      }
    }
  }

  private List<Dashboard.StageSnapshot> snapshots() {
    List<Dashboard.StageSnapshot> snapshots = new ArrayList<>();
    for (StageProcess stage : stages.isEmpty() ? stopped : stages) {
      StageProgress progress = stage.progress();
      snapshots.add(new Dashboard.StageSnapshot(stage.name, progress.total, progress.unit(), progress.lagMs, stage.alive()));
    }
    return snapshots;
  }

  Path logs() {
    return config.workDir().toAbsolutePath().normalize().resolve("logs");
  }

  static final int WAREHOUSE_NICENESS = 5;
  static final int SERVING_NICENESS = 2;

  void startStages() throws Exception {
    if (oneApplication) {
      stages.add(startStage("capture", new StageProgress("capture")));
      StageProcess application = startStage("process", new StageProgress("process"));
      stages.add(application);
      // Shown and watched as stages of their own: their progress from the application's /metrics.
      stages.add(application.sharedBy("warehouse", new StageProgress("warehouse")));
      stages.add(application.sharedBy("serving", new StageProgress("serving")));
    } else {
      for (String stage : STAGES) {
        stages.add(startStage(stage, new StageProgress(stage)));
      }
    }
    StringBuilder urls = new StringBuilder("demo: stage metrics at");
    stages.forEach(stage -> urls.append(' ').append(stage.name).append('=').append(stage.metrics));
    say(urls.toString());
  }

  /** Starts one stage as the demo runs it (memory, CPU priority, interval). */
  StageProcess startStage(String stage, StageProgress progress) throws Exception {
    Map<String, String> env = new HashMap<>(stageEnv);
    if (System.getenv("LAKESYNC_JAVA_OPTS") == null) {
      // Beside the stack's JVM on one machine; process caches each batch and every table's Delta state, so it gets
      // more room, and more again with the warehouse and serving stages in it.
      env.put("LAKESYNC_JAVA_OPTS", !stage.equals("process") ? "-Xmx1g" : oneApplication ? "-Xmx3g" : "-Xmx2g");
    }
    switch (stage) {
      case "capture":
        return StageProcess.start(home, stage, configFile, logs(), env, 0, progress);
      case "process":
        return oneApplication
            ? StageProcess.start(home, stage, configFile, logs(), env, 0, progress, "--with", "warehouse,serving",
                "--follow-interval", "2s")
            : StageProcess.start(home, stage, configFile, logs(), env, 0, progress);
      // The lake comes first: on a machine with few cores, warehouse and serving yield CPU to capture and process
      // (they read what process wrote, so they cannot be fresher than it anyway); serving, with its freshness goal,
      // less than warehouse. Lower priorities starved them of passes during a demo.
      case "warehouse":
        return StageProcess.start(home, stage, configFile, logs(), env, WAREHOUSE_NICENESS, progress, "--interval", "5s");
      case "serving":
        return StageProcess.start(home, stage, configFile, logs(), env, SERVING_NICENESS, progress, "--interval", "3s");
      default:
        throw new IllegalArgumentException("no stage " + stage);
    }
  }

  /** Starts {@code stage} again in place of its stopped or killed process. */
  StageProcess restart(StageProcess stage) throws Exception {
    StageProcess started = startStage(stage.name, stage.progressSoFar());
    stages.set(stages.indexOf(stage), started);
    return started;
  }

  /** The running process of {@code name}. */
  StageProcess stage(String name) {
    return stages.stream().filter(stage -> stage.name.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no stage " + name + " is running"));
  }

  private Thread startWorkload(double rate, Duration duration, WorkloadGenerator[] generator,
      AtomicReference<Exception> failure, PaymentProbe probe) throws Exception {
    Connection connection = DriverManager.getConnection(config.source().jdbcUrl(), config.source().jdbcProperties());
    generator[0] = new WorkloadGenerator(connection, 1, 0.01);
    if (probe != null) {
      generator[0].onCommit(probe);
    }
    Thread thread = new Thread(() -> {
      try (WorkloadGenerator running = generator[0]) {
        running.run(rate, duration, stop::get);
      } catch (Exception e) {
        failure.set(e);
      }
    }, "lakesync-demo-workload");
    thread.start();
    return thread;
  }

  /** Waits until every stage has caught up with the one before it; 0, or 1 when one dies or it takes too long. */
  int drain() throws Exception {
    say("demo: draining: waiting until every stage has caught up");
    CatchUp catchUp = new CatchUp(config);
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    long stableSince = System.nanoTime();
    long lastCaptured = -1;
    while (System.nanoTime() < deadline) {
      StageProcess dead = deadStage();
      if (dead != null) {
        return failed(dead);
      }
      long captured = stages.get(0).progress().total;
      if (captured != lastCaptured) {
        lastCaptured = captured;
        stableSince = System.nanoTime();
      }
      boolean captureQuiet = System.nanoTime() - stableSince > 12_000_000_000L;
      Map<String, Boolean> state = new LinkedHashMap<>();
      state.put("capture", captureQuiet);
      state.put("process", captureQuiet && catchUp.processCaughtUp());
      state.put("warehouse", state.get("process") && catchUp.warehouseCaughtUp());
      state.put("serving", state.get("process") && catchUp.servingCaughtUp());
      StringBuilder status = new StringBuilder("draining:");
      state.forEach((stage, done) -> status.append(' ').append(stage).append(done ? " caught up," : " working,"));
      showProgress(status.substring(0, status.length() - 1));
      if (!state.containsValue(false)) {
        say("demo: every stage has caught up");
        return 0;
      }
      Thread.sleep(2000);
    }
    say("demo: the stages did not catch up within " + DRAIN_TIMEOUT.toMinutes() + " minutes; logs in " + logs());
    return 1;
  }

  StageProcess deadStage() {
    for (StageProcess stage : stages) {
      if (!stage.alive()) {
        return stage;
      }
    }
    return null;
  }

  int failed(StageProcess dead) throws InterruptedException {
    say("demo: stage " + dead.name + " stopped (exit status " + dead.exitStatus() + "); its log: " + dead.log);
    out.println(dead.tail(15));
    stopStages();
    return 1;
  }

  void stopStages() throws InterruptedException {
    for (StageProcess stage : stages) {
      if (stage.alive()) {
        out.println("demo: stopping " + stage.name);
        if (!stage.stop(60)) {
          out.println("demo: " + stage.name + " did not stop within 60 s and was killed; its log: " + stage.log);
        }
      }
    }
    if (!stages.isEmpty()) {
      stopped.clear();
      stopped.addAll(stages);
    }
    stages.clear();
  }

  /** Runs verify as its own process (it needs Spark); returns its output lines. */
  List<String> verify() throws Exception {
    out.println("demo: verifying source, lake, warehouse and serving store");
    ProcessBuilder builder = new ProcessBuilder(home.resolve("lakesync").toString(), "verify", "--config",
        configFile.toString()).redirectErrorStream(true);
    builder.environment().putAll(stageEnv);
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    List<String> all = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        all.add(line);
        if (line.startsWith("verify:") || line.startsWith("reconciliation:") || line.startsWith("lakesync verify")) {
          lines.add(line);
        }
      }
    }
    int status = process.waitFor();
    Path log = logs().resolve("verify.log");
    Files.write(log, all, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("reconciliation:")) {
      say("demo: verify ended (exit status " + status + ") without a reconciliation line; its log: " + log);
      all.subList(Math.max(0, all.size() - 15), all.size()).forEach(out::println);
    }
    return lines;
  }

  /** A plain line; the progress block starts afresh below it. */
  private void say(String line) {
    out.println(line);
    linesDrawn = 0;
  }

  /** One line per stage: refreshed in place on a terminal, a block every 10 s otherwise. */
  private void showProgress(String phase) {
    long now = System.nanoTime();
    double seconds = Math.max(0.001, (now - lastProgressNanos) / 1e9);
    if (!terminal && seconds < 10) {
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add("demo: " + phase);
    for (StageProcess stage : stages) {
      StageProgress progress = stage.progress();
      long last = lastTotals.getOrDefault(stage.name, 0L);
      lines.add("  " + progress.describe((progress.total - last) / seconds));
      lastTotals.put(stage.name, progress.total);
    }
    lastProgressNanos = now;
    if (terminal) {
      StringBuilder text = new StringBuilder();
      if (linesDrawn > 0) {
        text.append("\033[").append(linesDrawn).append('A');
      }
      lines.forEach(line -> text.append("\r\033[K").append(line).append('\n'));
      out.print(text);
      linesDrawn = lines.size();
    } else {
      lines.forEach(out::println);
    }
    out.flush();
  }
}
