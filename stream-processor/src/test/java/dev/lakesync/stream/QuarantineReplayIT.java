package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events quarantined by a wrong rule, the rule fixed, then {@code quarantine replay}: the events that now pass are
 * applied in source order through the MERGE's position guard (a replayed create older than a streamed delete stays
 * superseded), the lake equals what the source holds, and a second replay changes nothing.
 */
class QuarantineReplayIT {
  private static final String TOPIC = "lakesync.app.items";
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - name: app.items",
      "    key: [id]",
      "    rules:",
      "      - {name: qty_small, expr: 'qty < 10'}");

  @TempDir
  static Path dir;

  private static SparkStack world;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, TABLES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void replaysWhatAFixedRuleNowAcceptsInSourceOrderAndOnlyOnce() throws Exception {
    send(1, event("c", 1, 5, 10));
    send(2, event("c", 2, 50, 20));
    send(2, event("u", 2, 60, 30));
    send(3, event("c", 3, 70, 40));
    send(3, event("d", 3, 0, 50)); // a delete is not judged by rules: applied, a tombstone
    assertThat(world.process()).contains("applied=2").contains("quarantined=3");
    assertThat(quarantine("list", world.stack.config())).contains("quarantine: app.items waiting=3 replayed=0")
        .contains("quarantine:   3 rule qty_small").endsWith("quarantine: tables=1 waiting=3 replayed=0\n");

    // Under the same wrong rule a replay applies nothing and marks nothing.
    assertThat(quarantine("replay", world.stack.config()))
        .endsWith("quarantine: tables=1 considered=3 applied=0 superseded=0 dropped=0 still_quarantined=3\n");

    Path fixed = dir.resolve("fixed.yaml");
    Files.writeString(fixed, Files.readString(world.stack.config()).replace("qty < 10", "qty < 1000"));
    assertThat(quarantine("replay", fixed))
        .endsWith("quarantine: tables=1 considered=3 applied=1 superseded=2 dropped=0 still_quarantined=0\n");
    assertThat(table()).isEqualTo(new TreeMap<>(Map.of(1L, "5|c", 2L, "60|u", 3L, "d")));

    assertThat(quarantine("replay", fixed)).endsWith("quarantine: tables=1 considered=0 applied=0 superseded=0 dropped=0 "
        + "still_quarantined=0\n");
    assertThat(quarantine("list", fixed)).endsWith("quarantine: tables=1 waiting=0 replayed=3\n");
    assertThat(table()).isEqualTo(new TreeMap<>(Map.of(1L, "5|c", 2L, "60|u", 3L, "d")));
  }

  private static String quarantine(String action, Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = QuarantineMain.run(new String[] {action, "--config", config.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return text;
  }

  private static Map<Long, String> table() {
    return new TreeMap<>(world.spark.read().format("delta").load(world.paths().validated("app", "items"))
        .selectExpr("id", "concat_ws('|', cast(qty AS string), _op)").collectAsList().stream()
        .collect(Collectors.toMap(row -> row.getLong(0), row -> row.getString(1))));
  }

  private static final String ROW = "{\"type\":\"struct\",\"optional\":true,\"fields\":["
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},{\"type\":\"int32\",\"optional\":true,\"field\":\"qty\"}]}";
  private static final String SCHEMA = "{\"type\":\"struct\",\"name\":\"lakesync.app.items.Envelope\",\"fields\":["
      + ROW.replace("{\"type\":\"struct\",", "{\"type\":\"struct\",\"field\":\"before\",") + ","
      + ROW.replace("{\"type\":\"struct\",", "{\"type\":\"struct\",\"field\":\"after\",") + ","
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":[]}]}";

  /** An event as cdc-connector publishes it, at source position {@code lsn}. */
  private static String event(String op, long id, int qty, long lsn) {
    String row = "{\"id\":" + id + ",\"qty\":" + qty + "}";
    String source = "{\"connector\":\"postgresql\",\"ts_ms\":1795544234036,\"lsn\":" + lsn + ",\"sequence\":\"[\\\"" + lsn
        + "\\\",\\\"" + lsn + "\\\"]\"}";
    return "{\"schema\":" + SCHEMA + ",\"payload\":{\"before\":" + (op.equals("d") ? "{\"id\":" + id + "}" : "null")
        + ",\"after\":" + (op.equals("d") ? "null" : row) + ",\"op\":\"" + op + "\",\"source\":" + source + "}}";
  }

  private static void send(long id, String value) throws Exception {
    world.produce(TOPIC, "app.items", "{\"id\":" + id + "}", value);
  }
}
