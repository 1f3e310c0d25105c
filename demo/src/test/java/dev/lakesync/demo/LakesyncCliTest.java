package dev.lakesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.localstack.PortCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakesyncCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    LakesyncCli cli = new LakesyncCli(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env::get, Path.of("../"));
    return cli.run(args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsEveryCommandInHelp() {
    assertThat(run(Map.of(), "--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("stack").contains("workload");
  }

  @Test
  void explainsEachOptionOfACommand() {
    assertThat(run(Map.of(), "stack", "--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: lakesync stack").contains("--config=FILE")
        .contains("--fresh");
  }

  @Test
  void rejectsAnUnknownCommandWithStatus2() {
    assertThat(run(Map.of(), "dmeo")).isEqualTo(2);
    assertThat(err()).startsWith("lakesync: unknown command 'dmeo' (did you mean demo?)");
  }

  @Test
  void rejectsAnUnknownOption() {
    assertThat(run(Map.of(), "stack", "--frsh")).isEqualTo(2);
    assertThat(err()).isEqualTo("lakesync stack: Unknown option: '--frsh' (see lakesync stack --help)" + System.lineSeparator());
  }

  @Test
  void rejectsAnOptionWithoutItsValue() {
    assertThat(run(Map.of(), "workload", "--rate")).isEqualTo(2);
    assertThat(err()).contains("Missing required parameter for option '--rate'");
  }

  @Test
  void rejectsABadDuration() {
    assertThat(run(Map.of(), "workload", "--duration", "forever")).isEqualTo(2);
    assertThat(err()).contains("'--duration': expects a duration such as 60s, 5m or 1h, got 'forever'");
  }

  @Test
  void rejectsANumberOutsideItsRange() {
    assertThat(run(Map.of(), "workload", "--bad-share", "1.5")).isEqualTo(2);
    assertThat(err()).isEqualTo("lakesync workload: --bad-share expects a number from 0 to 1, got 1.5 (see lakesync "
        + "workload --help)" + System.lineSeparator());
  }

  @Test
  void everyCommandOfTheTreeAnswersHelpWithItsOwnUsage() {
    java.util.List<String> paths = new java.util.ArrayList<>();
    collect(dev.lakesync.common.cli.CommandTree.root(System.out, System.err), paths);
    assertThat(paths).contains("run process", "bench chaos", "quarantine", "generate-completion").hasSizeGreaterThan(20);
    for (String path : paths) {
      out.reset();
      java.util.List<String> args = new java.util.ArrayList<>(java.util.Arrays.asList(path.split(" ")));
      args.add("--help");
      assertThat(run(Map.of(), args.toArray(new String[0]))).as(path).isEqualTo(0);
      assertThat(out.toString(StandardCharsets.UTF_8)).as(path).startsWith("Usage: lakesync " + path + " ");
    }
  }

  private static void collect(picocli.CommandLine line, java.util.List<String> paths) {
    for (picocli.CommandLine sub : line.getSubcommands().values()) {
      paths.add(sub.getCommandSpec().qualifiedName(" ").substring("lakesync ".length()));
      collect(sub, paths);
    }
  }

  @Test
  void aCommandTheLauncherStartsElsewhereSaysSo() {
    assertThat(run(Map.of(), "run", "process", "--config", "x.yaml")).isEqualTo(2);
    assertThat(err()).contains("lakesync run process: runs through the ./lakesync launcher");
  }

  @Test
  void printsACompletionScript() {
    assertThat(run(Map.of(), "generate-completion")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("complete -F").contains("demo").contains("quarantine");
  }

  @Test
  void rejectsAMissingConfigFile() {
    assertThat(run(Map.of(), "stack", "--config", "no/such.yaml")).isEqualTo(2);
    assertThat(err()).isEqualTo("lakesync stack: invalid pipeline config no/such.yaml: file not found (give an existing file with --config)"
        + System.lineSeparator());
  }

  @Test
  void rejectsAConfigWithAnUnresolvableVariableNamingTheKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("p.yaml");
    Files.writeString(config, Files.readString(Path.of("../deploy/local/pipeline.yaml"))
        .replace("${LAKESYNC_PG_PASSWORD:-postgres}", "${NOT_SET_ANYWHERE}"));

    assertThat(run(Map.of(), "stack", "--config", config.toString())).isEqualTo(2);
    assertThat(err()).contains("source.password: environment variable NOT_SET_ANYWHERE is not set");
  }

  @Test
  void rejectsAConfigWithAWrongType(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("p.yaml");
    Files.writeString(config, Files.readString(Path.of("../deploy/local/pipeline.yaml"))
        .replace("customers: 1000", "customers: many"));

    assertThat(run(Map.of(), "stack", "--config", config.toString())).isEqualTo(2);
    assertThat(err()).contains("localStack.customers: expected an integer from 1 to 10000000, got 'many'");
  }

  @Test
  void reportsAnUnreachableDatabaseWithoutAStackTrace() {
    assertThat(run(Map.of("LAKESYNC_PG_PORT", String.valueOf(PortCheck.findFree())), "workload", "--duration", "1s"))
        .isEqualTo(1);
    assertThat(err()).startsWith("lakesync workload: cannot connect to jdbc:postgresql://127.0.0.1:")
        .contains("is `lakesync stack` running?")
        .doesNotContain("\tat ");
  }
}
