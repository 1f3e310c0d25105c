package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.cli.CommandTree;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command of the tree answers {@code ./lakesync <command> --help} with the help the tree generates, whichever
 * JVM and classpath the launcher starts it in (the stages', Spark's, the sinks' or the CLI's own).
 */
class LauncherHelpIT {
  @TempDir
  Path dir;

  @Test
  void everyCommandsHelpThroughTheLauncherIsTheTreesHelp() throws Exception {
    Map<String, String> expected = new LinkedHashMap<>();
    collect(CommandTree.root(System.out, System.err), expected);
    assertThat(expected).containsKeys("run capture", "run process", "verify", "get", "bench fuzz", "bench chaos");

    for (Map.Entry<String, String> command : expected.entrySet()) {
      String[] args = (command.getKey() + " --help").split(" ");
      Path log = dir.resolve(command.getKey().replace(' ', '-') + ".log");
      LauncherRun run = LauncherRun.await(LauncherRun.command(log, args).start(), log, Duration.ofMinutes(2));
      assertThat(run.exitStatus).as(command.getKey() + ": " + run.output()).isZero();
      assertThat(run.output()).as(command.getKey()).isEqualTo(command.getValue().stripTrailing());
    }
  }

  private static void collect(CommandLine line, Map<String, String> helps) {
    for (CommandLine sub : line.getSubcommands().values()) {
      String path = sub.getCommandSpec().qualifiedName(" ").substring("lakesync ".length());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      sub.usage(new PrintStream(bytes, true, StandardCharsets.UTF_8), CommandLine.Help.Ansi.OFF);
      helps.put(path, bytes.toString(StandardCharsets.UTF_8));
      collect(sub, helps);
    }
  }
}
