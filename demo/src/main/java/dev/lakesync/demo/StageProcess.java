package dev.lakesync.demo;

import dev.lakesync.localstack.PortCheck;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline stage run as its own process through the launcher ({@code lakesync run <stage>}), logging to a file and
 * serving its meters on a /metrics port of its own.
 */
final class StageProcess {
  private static final String NICE = "/usr/bin/nice";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  final String name;
  final Path log;
  /** Where the stage serves /metrics. */
  final URI metrics;
  private final Process process;
  private final StageProgress progress;
  private final long logStart;
  private final long startedNanos = System.nanoTime();

  private StageProcess(String name, Path log, URI metrics, Process process, long logStart, StageProgress progress) {
    this.name = name;
    this.log = log;
    this.metrics = metrics;
    this.process = process;
    this.progress = progress;
    this.logStart = logStart;
  }

  static StageProcess start(Path home, String stage, Path config, Path logs, Map<String, String> env, String... extra)
      throws IOException {
    return start(home, stage, config, logs, env, 0, new StageProgress(stage), extra);
  }

  /**
   * Starts the stage at CPU priority {@code niceness} (0 normal, up to 19 lowest; {@code nice}, where the system has
   * it), so that on a machine with few cores it runs on what the stages ahead of it leave.
   *
   * @param progress the progress so far (a stage started again goes on counting from its earlier runs)
   */
  static StageProcess start(Path home, String stage, Path config, Path logs, Map<String, String> env, int niceness,
      StageProgress progress, String... extra) throws IOException {
    Files.createDirectories(logs);
    Path log = logs.resolve(stage + ".log");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid"); // a session of its own: Ctrl-C on the demo's terminal must not stop it mid-drain
    }
    if (niceness > 0 && Files.isExecutable(Path.of(NICE))) {
      // nice execs the launcher: the process stays the one stop() signals
      command.addAll(List.of(NICE, "-n", String.valueOf(niceness)));
    }
    int metricsPort = PortCheck.findFree();
    command.addAll(List.of(home.resolve("lakesync").toString(), "run", stage, "--config", config.toString(),
        "--metrics-port", String.valueOf(metricsPort)));
    command.addAll(List.of(extra));
    // Appended: a stage started again (after a crash, in the chaos soak) keeps its earlier runs' lines.
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (niceness > 0) {
      SessionPriority.lower(process.pid(), niceness);
    }
    return new StageProcess(stage, log, URI.create("http://127.0.0.1:" + metricsPort + "/metrics"), process, logStart,
        progress);
  }

  /** A stage that runs in this one's process (the warehouse and serving stages in the processor's application). */
  StageProcess sharedBy(String stage, StageProgress progress) {
    return new StageProcess(stage, log, metrics, process, logStart, progress);
  }

  /** How long ago this process was started. */
  Duration age() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  boolean alive() {
    return process.isAlive();
  }

  int exitStatus() {
    return process.exitValue();
  }

  /** SIGTERM (the stages stop gracefully on it), then SIGKILL after the timeout. Returns true when it stopped by itself. */
  boolean stop(long timeoutSeconds) throws InterruptedException {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      return true;
    }
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    return false;
  }

  /** SIGKILL, as a crash or an out-of-memory killer would: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Whether this run of the stage has logged a line containing {@code text} so far. */
  boolean logged(String text) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      byte[] bytes = new byte[(int) Math.max(0, file.length() - logStart)];
      file.seek(logStart);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** What the stage's /metrics says now (what it said last while the stage is starting or down). */
  synchronized StageProgress progress() {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        progress.accept(response.body());
      }
    } catch (IOException e) {
      // not listening yet, or gone: the last figures stand
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return progress;
  }

  /** The progress so far, for the stage's next run. */
  StageProgress progressSoFar() {
    return progress;
  }

  /** The last lines of the log, to show when the stage died. */
  String tail(int count) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      lines = List.of();
    }
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
