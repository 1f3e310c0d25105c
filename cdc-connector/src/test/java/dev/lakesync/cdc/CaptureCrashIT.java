package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakesync.localstack.EmbeddedStack;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Kills the capture process with SIGKILL mid-stream (no graceful stop), restarts it, and proves against the
 * source's own log (a test_decoding slot) that every committed change reached the topics at least once and, with
 * replays removed, in source order per key; nothing is invented. The workload deliberately has many changes per
 * transaction and per LSN neighbourhood: multi-row INSERT, COPY, multi-row UPDATE, transactions over two tables.
 */
@ExtendWith(EmbeddedStack.class)
class CaptureCrashIT {
  private static final Pattern CHANGE = Pattern.compile("^table app\\.(a|b): (INSERT|UPDATE|DELETE): id\\[integer\\]:(-?\\d+)(?: v\\[bigint\\]:(\\d+))?.*$");

  private static final String MARKER = "b/-1";

  @TempDir
  Path dir;

  @Test
  void losesNothingAndKeepsPerKeyOrderAcrossAKill(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "crash");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE SEQUENCE app.seq",
        "CREATE TABLE app.a (id int PRIMARY KEY, v bigint NOT NULL)", "CREATE TABLE app.b (id int PRIMARY KEY, v bigint NOT NULL)",
        "SELECT pg_create_logical_replication_slot('truth', 'test_decoding')");
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(config, String.join("\n",
        "name: " + db,
        "workDir: " + dir.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + servers.postgres().port() + ", database: " + db
            + ", user: postgres, password: x, slotName: " + db + ", publication: " + db + "}",
        "broker: {bootstrapServers: '" + servers.kafka().bootstrapServers() + "', topicPrefix: " + db + "}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: app.a, key: [id]}, {name: app.b, key: [id]}]", ""));
    List<String> topics = List.of(db + ".app.a", db + ".app.b");
    Random random = new Random(11);

    Process first = startCapture(config, dir.resolve("first.log"));
    // The tables are empty, so everything written from now on must arrive as a streamed change, none as a snapshot read.
    awaitStreaming(servers, db, first, dir.resolve("first.log"));
    try (Connection connection = servers.postgres().connect(db)) {
      connection.setAutoCommit(false);
      writeBurst(connection, random, 0, 1_000);
      // Kill while the burst is still being published, once a streaming offset has been committed (until then the
      // stored offset says the initial snapshot is incomplete, and a restart rightly takes the snapshot again).
      Path offsets = dir.resolve("work/cdc/" + db + "-offsets.dat");
      await("a streaming offset committed to " + offsets).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(offsets)
              && new String(Files.readAllBytes(offsets), StandardCharsets.ISO_8859_1).contains("lsn_commit"));
      first.toHandle().destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

      writeBurst(connection, random, 1_000, 200); // while capture is down
      Process second = startCapture(config, dir.resolve("second.log"));
      awaitLine(dir.resolve("second.log"), "capture: postgresql", second);
      writeBurst(connection, random, 1_200, 100);

      Map<String, List<String>> truth = readTruth(servers, db);
      truth.remove(MARKER); // touched before streaming began, partly seen as a snapshot read
      long expected = truth.values().stream().mapToLong(List::size).sum();
      List<CaptureFixture.Event> events = CaptureFixture.read(servers, topics,
          read -> distinctPositions(read) >= expected, Duration.ofSeconds(120));
      second.toHandle().destroy(); // SIGTERM: graceful
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).as("exit status after SIGTERM").isEqualTo(0);

      Map<String, List<String>> published = perKeyWithoutReplays(events);
      published.remove(MARKER);
      Set<String> missing = new java.util.TreeSet<>(truth.keySet());
      missing.removeAll(published.keySet());
      Set<String> extra = new java.util.TreeSet<>(published.keySet());
      extra.removeAll(truth.keySet());
      assertThat(missing).as("keys never published (of %d; %d events, %d distinct)\nfirst log:\n%s\nsecond log:\n%s",
          truth.size(), events.size(), distinctPositions(events), tail(dir.resolve("first.log")), tail(dir.resolve("second.log")))
          .isEmpty();
      assertThat(extra).as("keys published that the source never had").isEmpty();
      for (Map.Entry<String, List<String>> key : truth.entrySet()) {
        assertThat(published.get(key.getKey())).as("changes of %s", key.getKey()).isEqualTo(key.getValue());
      }
      assertThat(events).filteredOn(event -> event.op.equals("r")).allMatch(event -> event.key.get("id").asInt() == -1);
      assertSourcePositionsFollowTopicOrder(events);
      System.out.printf("crash test: %d source changes, %d events on the topics (%d replayed after the kill)%n",
          expected, events.size(), events.size() - expected);
      assertThat(Files.readString(dir.resolve("second.log"))).contains("capture: stopped after");
    }
  }

  /** One burst of mixed statements; {@code base} keeps key ranges of bursts apart for inserts. */
  private static void writeBurst(Connection connection, Random random, int base, int rounds) throws SQLException, IOException {
    try (Statement statement = connection.createStatement()) {
      for (int round = 0; round < rounds; round++) {
        int id = (base + round) * 10;
        // multi-row INSERT: ten rows, one statement, one transaction
        statement.execute("INSERT INTO app.a (id, v) SELECT g, nextval('app.seq') FROM generate_series(" + id + ", " + (id + 9) + ") g");
        // COPY: five rows into b
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 5; i++) {
          rows.append(id + i).append(',').append(1_000_000 + random.nextInt(1_000_000)).append('\n');
        }
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY app.b (id, v) FROM STDIN WITH (FORMAT csv)",
            new StringReader(rows.toString()));
        connection.commit();
        // one transaction over both tables, touching keys of earlier rounds
        int old = random.nextInt(base + round + 1) * 10;
        statement.execute("UPDATE app.a SET v = nextval('app.seq') WHERE id BETWEEN " + old + " AND " + (old + 4));
        statement.execute("UPDATE app.b SET v = nextval('app.seq') WHERE id = " + old);
        if (random.nextInt(4) == 0) {
          statement.execute("DELETE FROM app.a WHERE id = " + (old + 9));
        }
        connection.commit();
      }
    }
  }

  /**
   * Per table and key, the source's own sequence of "op:v" (op c/u/d), read from the test_decoding slot. The server
   * commits asynchronously, so the slot is read until two reads in a row bring nothing new.
   */
  private static Map<String, List<String>> readTruth(EmbeddedStack.Servers servers, String db) throws Exception {
    Map<String, List<String>> truth = new LinkedHashMap<>();
    try (Connection connection = servers.postgres().connect(db);
         PreparedStatement read = connection.prepareStatement("SELECT data FROM pg_logical_slot_get_changes('truth', NULL, NULL)")) {
      int[] quietReads = {0};
      await("two reads of the truth slot in a row with nothing new").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250)).until(() -> {
            quietReads[0] = readChanges(read, truth) == 0 ? quietReads[0] + 1 : 0;
            return quietReads[0] >= 2;
          });
    }
    return truth;
  }

  /** One read of the truth slot into {@code truth}; returns how many changes it brought. */
  private static int readChanges(PreparedStatement read, Map<String, List<String>> truth) throws SQLException {
    int changes = 0;
    try (ResultSet rows = read.executeQuery()) {
      while (rows.next()) {
        Matcher change = CHANGE.matcher(rows.getString(1));
        if (change.matches()) {
          changes++;
          String op = change.group(2).equals("INSERT") ? "c" : change.group(2).equals("UPDATE") ? "u" : "d";
          truth.computeIfAbsent(change.group(1) + "/" + change.group(3), k -> new ArrayList<>())
              .add(op + ":" + (op.equals("d") ? "" : change.group(4)));
        }
      }
    }
    return changes;
  }

  private static long distinctPositions(List<CaptureFixture.Event> events) {
    Set<String> seen = new HashSet<>();
    for (CaptureFixture.Event event : events) {
      if (event.key.get("id").asInt() != -1) {
        seen.add(position(event));
      }
    }
    return seen.size();
  }

  /**
   * A change's identity: table, LSN and key. The key is needed because COPY and multi-row INSERT write one WAL record
   * for many rows, so their changes share an LSN. A snapshot read has no LSN of its own.
   */
  private static String position(CaptureFixture.Event event) {
    String lsn = event.op.equals("r") ? "snapshot" : event.payload().get("source").get("lsn").asText();
    return event.table + "@" + lsn + "#" + event.key;
  }

  /**
   * The {@code _source_pos} the processor will use must agree with the order the source committed in: within a
   * topic (one partition), first deliveries have non-decreasing positions, and each key's strictly increase.
   */
  private static void assertSourcePositionsFollowTopicOrder(List<CaptureFixture.Event> events) {
    Map<String, String> lastPerTopic = new LinkedHashMap<>();
    Map<String, String> lastPerKey = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (CaptureFixture.Event event : events) {
      if (event.op.equals("r") || !seen.add(position(event))) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> source = CaptureFixture.JSON.convertValue(event.payload().get("source"), Map.class);
      String pos = dev.lakesync.common.change.SourcePosition.of("postgresql", source);
      String previous = lastPerTopic.put(event.topic, pos);
      assertThat(previous == null || previous.compareTo(pos) <= 0).as("topic order at %s: %s then %s", event, previous, pos).isTrue();
      String key = event.topic + event.key;
      String previousOfKey = lastPerKey.put(key, pos);
      assertThat(previousOfKey == null || previousOfKey.compareTo(pos) < 0).as("key order at %s", event).isTrue();
    }
  }

  /** Per key "op:v" in topic order, keeping only the first delivery of each change (replays removed by LSN). */
  private static Map<String, List<String>> perKeyWithoutReplays(List<CaptureFixture.Event> events) {
    Map<String, List<String>> published = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (CaptureFixture.Event event : events) {
      if (!seen.add(position(event))) {
        continue;
      }
      String op = event.op;
      String table = event.table.substring(event.table.indexOf('.') + 1);
      String value = op.equals("d") ? "" : event.after().get("v").asText();
      published.computeIfAbsent(table + "/" + event.key.get("id").asInt(), k -> new ArrayList<>()).add(op + ":" + value);
    }
    return published;
  }

  private static Process startCapture(Path config, Path log) throws IOException {
    return CaptureFixture.captureProcess(List.of(), Map.of(), log, "--config", config.toString(), "--status-interval", "2s")
        .start();
  }

  /**
   * Waits until the capture streams: touches a marker row (key -1 of app.b) until a streamed change of it, not a
   * snapshot read, is on the topic. Every commit after that is streamed.
   */
  private static void awaitStreaming(EmbeddedStack.Servers servers, String db, Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      CaptureFixture.execute(servers, db, "INSERT INTO app.b VALUES (-1, 0) ON CONFLICT (id) DO UPDATE SET v = app.b.v + 1");
      List<CaptureFixture.Event> marker = CaptureFixture.read(servers, List.of(db + ".app.b"),
          events -> events.stream().anyMatch(e -> !e.op.equals("r")), Duration.ofSeconds(1));
      if (marker.stream().anyMatch(e -> !e.op.equals("r"))) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("capture exited early:\n" + Files.readString(log));
      }
    }
    throw new AssertionError("capture did not start streaming:\n" + Files.readString(log));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  private static void awaitLine(Path log, String prefix, Process process) throws Exception {
    try {
      await("'" + prefix + "' in " + log).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (Files.exists(log) && Files.readString(log).contains(prefix)) {
              return true;
            }
            if (!process.isAlive()) {
              throw new AssertionError("capture exited early:\n" + Files.readString(log));
            }
            return false;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("capture did not start:\n" + Files.readString(log), e);
    }
  }
}
