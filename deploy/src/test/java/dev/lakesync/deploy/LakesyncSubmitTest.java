package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/spark-submit/lakesync-submit.sh} against a stand-in {@code spark-submit} that reports a Spark version
 * and records what it was asked to run: each stage's class, staged jars that exist, the Kafka source at the cluster's
 * own Spark version.
 */
class LakesyncSubmitTest {
  private static final Path HOME = Path.of("").toAbsolutePath().getParent();

  @TempDir
  Path dir;

  private List<String> submit(String stage) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path args = dir.resolve("args-" + stage);
    Path fake = bin.resolve("spark-submit");
    Files.writeString(fake, String.join("\n", "#!/usr/bin/env bash",
        "if [ \"$1\" = --version ]; then echo 'Welcome to ... version 3.5.5'; echo 'Using Scala version 2.12.18'; exit 0; fi",
        "printf '%s\\n' \"$@\" > '" + args + "'", ""), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path staged = Files.createDirectories(dir.resolve("staged/lib"));
    for (String jar : List.of("lakesync-common", "snakeyaml", "picocli", "lakesync-eventhubs-auth-spark",
        "lakesync-lake", "mssql-jdbc", "postgresql", "lakesync-serving-sinks")) {
      Files.writeString(staged.resolve(jar + ".jar"), "");
    }
    ProcessBuilder builder = new ProcessBuilder(HOME.resolve("deploy/spark-submit/lakesync-submit.sh").toString(), stage,
        "--once").redirectErrorStream(true).redirectOutput(dir.resolve("out-" + stage).toFile());
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("LAKESYNC_STAGED", dir.resolve("staged").toString());
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("out-" + stage))).isZero();
    return Files.readAllLines(args, StandardCharsets.UTF_8);
  }

  @Test
  void processGetsTheKafkaSourceOfTheClustersSparkAndTheEventHubsLogin() throws Exception {
    List<String> args = submit("process");
    assertThat(args).containsSequence("--class", "dev.lakesync.stream.StreamProcessorMain")
        .containsSequence("--packages", "org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.5")
        .containsSequence("--config", "pipeline.yaml", "--once");
    String jars = args.get(args.indexOf("--jars") + 1);
    assertThat(jars.split(",")).allSatisfy(jar -> assertThat(Path.of(jar)).exists())
        .anySatisfy(jar -> assertThat(jar).endsWith("/lakesync-eventhubs-auth-spark.jar"));
  }

  @Test
  void warehouseAndServingShipStagedJarsOnlyAndNoKafkaSource() throws Exception {
    for (String stage : List.of("warehouse", "serving")) {
      List<String> args = submit(stage);
      assertThat(args).doesNotContain("--packages");
      assertThat(args.get(args.indexOf("--jars") + 1).split(",")).allSatisfy(jar -> assertThat(Path.of(jar)).exists())
          .anySatisfy(jar -> assertThat(jar).endsWith("/postgresql.jar"));
    }
  }
}
