package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobClient;
import dev.lakesync.localstack.EmbeddedStack;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.options.BlobBreakLeaseOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets in a blob, against Azurite (Microsoft's Blob Storage emulator, from npm; {@code .ci/run} installs it and
 * sets LAKESYNC_AZURITE_BLOB). A second run resumes from the blob's offsets instead of snapshotting again; a second
 * instance on the same blob is refused while the first holds its lease.
 */
@ExtendWith(EmbeddedStack.class)
class BlobOffsetsIT {
  /** Azurite's documented development account; public, not a secret. */
  private static final String DEV_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  @TempDir
  Path dir;

  private Process emulator;

  @Test
  void resumesFromOffsetsKeptInABlob(EmbeddedStack.Servers servers) throws Exception {
    int port = startAzurite();
    String url = "http://127.0.0.1:" + port + "/devstoreaccount1/offsets/blob-it.dat";
    String db = database(servers, "blob", "(1, 'a'), (2, 'b'), (3, 'c')");
    Path config = config(servers, db, url);

    assertThat(runOnce(config, connection(port), dir.resolve("first.log"))).isEqualTo(0);
    BlobClient blob = BlobOffsetBackingStore.client(url, connection(port), null);
    assertThat(blob.exists()).as("offsets blob written").isTrue();
    assertThat(BlobOffsetBackingStore.decode(blob.downloadContent().toBytes())).isNotEmpty();
    assertThat(blob.getProperties().getLeaseState()).as("lease released at a clean stop").isEqualTo(LeaseStateType.AVAILABLE);

    CaptureFixture.execute(servers, db, "INSERT INTO app.t VALUES (4, 'd')", "UPDATE app.t SET v = 'z' WHERE id = 1");
    assertThat(runOnce(config, connection(port), dir.resolve("second.log"))).isEqualTo(0);

    List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of(db + ".app.t"), e -> e.size() >= 5,
        Duration.ofSeconds(30));
    assertThat(events).extracting(e -> e.op).containsExactly("r", "r", "r", "c", "u");
    assertThat(dir.resolve("work/cdc/" + db + "-offsets.dat")).doesNotExist();
  }

  @Test
  void aSecondInstanceOnTheSameOffsetsFailsAtStartAndAfterAKillTheNextResumes(EmbeddedStack.Servers servers)
      throws Exception {
    int port = startAzurite();
    String url = "http://127.0.0.1:" + port + "/devstoreaccount1/offsets/lease-it.dat";
    String db = database(servers, "lease", "(1, 'a'), (2, 'b')");
    Path config = config(servers, db, url);
    BlobClient blob = BlobOffsetBackingStore.client(url, connection(port), null);

    Process first = capture(config, connection(port), dir.resolve("first.log"));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!(blob.exists() && !BlobOffsetBackingStore.decode(blob.downloadContent().toBytes()).isEmpty())) {
        assertThat(first.isAlive()).as("first capture runs").isTrue();
        assertThat(System.nanoTime()).as("first capture commits offsets").isLessThan(deadline);
        Thread.sleep(500);
      }
      assertThat(runOnce(config, connection(port), dir.resolve("second.log"))).as("second instance refused").isEqualTo(1);
      assertThat(Files.readString(dir.resolve("second.log"))).contains("is in use by another capture instance")
          .doesNotContain(DEV_KEY);
      assertThat(first.isAlive()).as("the first instance keeps running").isTrue();
      assertThat(blob.getProperties().getLeaseState()).as("still leased by the first").isEqualTo(LeaseStateType.LEASED);
      assertThat(Files.readString(dir.resolve("first.log"))).as("the first one's offsets writes all accepted")
          .doesNotContain("cannot write offsets").doesNotContain("lost the lease");

      first.destroyForcibly(); // SIGKILL: the lease is left to lapse
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      CaptureFixture.execute(servers, db, "INSERT INTO app.t VALUES (3, 'c')");
      assertThat(runOnce(config, connection(port), dir.resolve("third.log"))).as("next instance after the lease lapsed")
          .isEqualTo(0);
      List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of(db + ".app.t"), e -> e.size() >= 3,
          Duration.ofSeconds(30));
      assertThat(events).extracting(e -> e.op).containsExactly("r", "r", "c");

      // Another owner takes the lease (as an operator breaking it would): the running instance stops, never writing.
      Process fourth = capture(config, connection(port), dir.resolve("fourth.log"));
      try {
        while (blob.getProperties().getLeaseState() != LeaseStateType.LEASED) {
          assertThat(fourth.isAlive()).as("fourth capture runs").isTrue();
          Thread.sleep(200);
        }
        BlobLeaseClient other = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
        other.breakLeaseWithResponse(new BlobBreakLeaseOptions().setBreakPeriod(Duration.ZERO), null, null);
        other.acquireLease(60);
        assertThat(fourth.waitFor(60, TimeUnit.SECONDS)).as("stops on losing the lease").isTrue();
        assertThat(fourth.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("fourth.log"))).contains("lost the lease of the offsets blob");
        other.releaseLease();
      } finally {
        fourth.destroyForcibly();
      }
    } finally {
      first.destroyForcibly();
    }
  }

  private int startAzurite() throws Exception {
    String azurite = System.getenv("LAKESYNC_AZURITE_BLOB");
    if (azurite == null || !Files.isExecutable(Path.of(azurite))) {
      System.out.println("BlobOffsetsIT: SKIPPED, Azurite not installed (set LAKESYNC_AZURITE_BLOB; .ci/run does)");
      Assumptions.abort("Azurite not installed (LAKESYNC_AZURITE_BLOB unset); blob offsets not tested");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    emulator = new ProcessBuilder(azurite, "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
        "--location", dir.resolve("azurite").toString(), "--silent", "--skipApiVersionCheck", "--loose")
        .redirectErrorStream(true).redirectOutput(dir.resolve("azurite.log").toFile()).start();
    return port;
  }

  @AfterEach
  void stopAzurite() throws InterruptedException {
    if (emulator != null) {
      emulator.destroy();
      emulator.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String connection(int port) {
    return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DEV_KEY
        + ";BlobEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
  }

  private Path config(EmbeddedStack.Servers servers, String db, String url) throws Exception {
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(config, String.join("\n",
        "name: " + db,
        "workDir: " + dir.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + servers.postgres().port() + ", database: " + db
            + ", user: postgres, password: x, slotName: " + db + ", publication: " + db + ", offsetsUrl: '" + url + "'}",
        "broker: {bootstrapServers: '" + servers.kafka().bootstrapServers() + "', topicPrefix: " + db + "}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: app.t, key: [id]}]", ""));
    return config;
  }

  /** A source database with table app.t holding {@code rows} (SQL VALUES). */
  private static String database(EmbeddedStack.Servers servers, String prefix, String rows) throws Exception {
    String db = CaptureFixture.createDatabase(servers, prefix);
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE TABLE app.t (id int PRIMARY KEY, v text)",
        "INSERT INTO app.t VALUES " + rows);
    return db;
  }

  /** Starts capture in its own process, its offsets in the blob the connection string reaches. */
  private static Process capture(Path config, String connectionString, Path log, String... more) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(more));
    return CaptureFixture.captureProcess(List.of(),
        java.util.Map.of(BlobOffsetBackingStore.CONNECTION_STRING_ENV, connectionString), log,
        args.toArray(new String[0])).start();
  }

  private static int runOnce(Path config, String connectionString, Path log) throws Exception {
    Process process = capture(config, connectionString, log, "--once");
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("capture --once finishes").isTrue();
    if (process.exitValue() != 0) {
      System.out.println(Files.readString(log));
    }
    return process.exitValue();
  }
}
