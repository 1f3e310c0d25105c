package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.localstack.EmbeddedMariaDb;
import dev.lakesync.localstack.StackProcess;
import dev.lakesync.stream.StreamProcessor;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify against a real MariaDB source: columns of MySQL's own types and a composite key are captured (the
 * cdc-connector's jar, in its own JVM as a user runs it), processed into the lake and compared key by key; a change
 * that has not reached the lake yet is named by its key.
 */
class MariaDbVerifyIT {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void verifyReconcilesAMariaDbSourceWithTheLakeAndNamesAKeyThatDiffers() throws Exception {
    Files.createDirectories(dir.resolve("mariadb"));
    Files.createDirectories(dir.resolve("stack"));
    try (EmbeddedMariaDb mariadb = EmbeddedMariaDb.startOrSkip(dir.resolve("mariadb"), "MariaDbVerifyIT");
         StackProcess stack = StackProcess.start(HOME, StackProcess.writeConfig(dir.resolve("stack")))) {
      mariadb.execute("CREATE DATABASE shop",
          "CREATE TABLE shop.items (id int PRIMARY KEY, sku varchar(40) NOT NULL, price decimal(12, 2), weight double,"
              + " qty smallint, big bigint, active bit(1), flag tinyint(1), made year, added date, seen datetime(6),"
              + " updated timestamp(3) NULL, kind enum('small', 'large'), attrs json, raw varbinary(16), note text)",
          "CREATE TABLE shop.tags (item_id int, tag varchar(20), rank_no int, PRIMARY KEY (item_id, tag))",
          "INSERT INTO shop.items VALUES"
              + " (1, 'A-1', 10.50, 1.25, 3, 9007199254740993, b'1', 1, 2024, '2026-01-02', '2026-01-02 03:04:05.123456',"
              + " '2026-01-02 03:04:05.678', 'small', '{\"color\": \"red\"}', x'00ff10', 'first'),"
              + " (2, 'B-2', 99999999.99, -0.5, -7, -1, b'0', 0, 1999, '1999-12-31', '1999-12-31 23:59:59.999999',"
              + " NULL, 'large', NULL, NULL, NULL)",
          "INSERT INTO shop.tags VALUES (1, 'red', 1), (1, 'sale', 2), (2, 'red', 1)");
      Path file = dir.resolve("pipeline.yaml");
      Files.writeString(file, String.join("\n",
          "name: maria",
          "workDir: " + dir.resolve("work"),
          "source: {type: mariadb, host: 127.0.0.1, port: " + mariadb.port() + ", database: shop, user: root, password: '',",
          "         debezium: {database.ssl.mode: disabled}}",
          "broker: {bootstrapServers: '" + stack.bootstrapServers() + "', topicPrefix: maria}",
          "lake: {root: " + dir.resolve("lake") + "}",
          "tables: [{name: shop.items, key: [id]}, {name: shop.tags, key: [item_id, tag]}]", ""));
      PipelineConfig config = new PipelineConfigLoader(name -> null).load(file);
      SparkSession spark = SparkSessions.create(config, "lakesync-verify-mariadb-it");
      try {
        captureAndProcess(file, config, spark);
        assertThat(verify(config, spark)).contains("verify: shop.items source=2 lake=2 ")
            .contains("verify: shop.tags source=3 lake=3 ").endsWith("mismatches=0");
        // verify compares the columns both sides have: every source column must be there for that to mean anything.
        assertThat(spark.read().format("delta").load(new LakePaths(config.lake().root()).validated("shop", "items"))
            .columns()).contains("id", "sku", "price", "weight", "qty", "big", "active", "flag", "made", "added", "seen",
                "updated", "kind", "attrs", "raw", "note");

        mariadb.execute("UPDATE shop.items SET price = 11.00, note = 'changed', seen = '2026-02-03 04:05:06' WHERE id = 1",
            "INSERT INTO shop.items (id, sku) VALUES (3, 'C-3')",
            "DELETE FROM shop.tags WHERE item_id = 1 AND tag = 'sale'",
            "INSERT INTO shop.tags VALUES (3, 'new', 1)");
        captureAndProcess(file, config, spark);
        assertThat(verify(config, spark)).contains("verify: shop.items source=3 lake=3 ")
            .contains("verify: shop.tags source=3 lake=3 ").endsWith("mismatches=0");

        mariadb.execute("UPDATE shop.items SET qty = 42 WHERE id = 2"); // not captured: the lake is behind
        assertThat(verify(config, spark)).contains("verify: differs: shop.items id=2 lake: {qty=42 vs -7}")
            .endsWith("mismatches=1");
      } finally {
        spark.stop();
      }
    }
  }

  /** Captures what the source holds now (the connector's jar with --once) and processes it into the lake. */
  private void captureAndProcess(Path file, PipelineConfig config, SparkSession spark) throws Exception {
    Path target = HOME.resolve("cdc-connector/target");
    String jar;
    try (Stream<Path> files = Files.list(target)) {
      jar = files.map(Path::toString).filter(name -> name.matches(".*/lakesync-cdc-connector-[^/]*[0-9T](-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no cdc-connector jar in " + target + ": package it first"));
    }
    Path log = Files.createTempFile(dir, "capture", ".log");
    Process capture = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        jar + File.pathSeparator + target.resolve("lib") + File.separator + "*", "dev.lakesync.cdc.CaptureMain",
        "--config", file.toString(), "--once").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(capture.waitFor(5, TimeUnit.MINUTES)).as("capture --once ended").isTrue();
    System.out.print(Files.readString(log));
    assertThat(capture.exitValue()).as(Files.readString(log)).isZero();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new StreamProcessor(config, spark, new PrintStream(output, true, StandardCharsets.UTF_8))
        .run(true, Duration.ofSeconds(1), 0);
    System.out.print(output.toString(StandardCharsets.UTF_8));
  }

  private static String verify(PipelineConfig config, SparkSession spark) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new Reconciliation(config, spark, new PrintStream(output, true, StandardCharsets.UTF_8)).run();
    String text = output.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    return text.strip();
  }
}
