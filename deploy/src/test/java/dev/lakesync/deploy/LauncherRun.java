package dev.lakesync.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code ./lakesync} command of this build run as a user runs it, its output in a log file. */
final class LauncherRun {
  final boolean finished;
  final int exitStatus;
  final List<String> lines;

  private LauncherRun(boolean finished, int exitStatus, List<String> lines) {
    this.finished = finished;
    this.exitStatus = exitStatus;
    this.lines = lines;
  }

  /** The repository's root (tests run in the deploy module's folder). */
  static Path home() {
    return Path.of("").toAbsolutePath().getParent();
  }

  /** {@code ./lakesync args...}, output to {@code log}; the reactor has just built every module, so no build. */
  static ProcessBuilder command(Path log, String... args) throws IOException {
    Files.writeString(home().resolve("local-stack/target/.lakesync-built"), "");
    List<String> command = new ArrayList<>();
    command.add(home().resolve("lakesync").toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
  }

  /** Waits up to {@code limit} (then kills it), and prints the output lines that start with one of {@code shown}. */
  static LauncherRun await(Process process, Path log, Duration limit, String... shown) throws Exception {
    boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    StringBuilder summary = new StringBuilder();
    for (String line : lines) {
      for (String prefix : shown) {
        if (line.startsWith(prefix)) {
          summary.append(line).append('\n');
          break;
        }
      }
    }
    System.out.println(summary);
    return new LauncherRun(finished, finished ? process.exitValue() : -1, lines);
  }

  String output() {
    return String.join("\n", lines);
  }

  String lastLine() {
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
