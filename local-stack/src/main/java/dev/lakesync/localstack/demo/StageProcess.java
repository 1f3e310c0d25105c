package dev.lakesync.localstack.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One pipeline stage run as its own process through the launcher ({@code lakesync run <stage>}), logging to a file. */
final class StageProcess {
  final String name;
  final Path log;
  private final Process process;

  private StageProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  static StageProcess start(Path home, String stage, Path config, Path logs, Map<String, String> env, String... extra)
      throws IOException {
    Files.createDirectories(logs);
    Path log = logs.resolve(stage + ".log");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid"); // a session of its own: Ctrl-C on the demo's terminal must not stop it mid-drain
    }
    command.addAll(List.of(home.resolve("lakesync").toString(), "run", stage, "--config", config.toString()));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(env);
    return new StageProcess(stage, log, builder.start());
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

  /** The log's lines so far (the stages log little: a line per batch or pass). */
  List<String> lines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  /** The last lines of the log, to show when the stage died. */
  String tail(int count) {
    List<String> lines = lines();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
