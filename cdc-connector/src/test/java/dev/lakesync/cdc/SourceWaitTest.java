package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SourceWaitTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicInteger attempts = new AtomicInteger();

  @Test
  void waitsWhileTheSourceRefusesConnectionsAndSaysSo() {
    boolean reached = SourceWait.untilReachable(() -> {
      if (attempts.incrementAndGet() < 4) {
        throw new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
      }
    }, "127.0.0.1:5432/bank", Duration.ofSeconds(10), Duration.ofMillis(1), out);

    assertThat(reached).isTrue();
    assertThat(attempts).hasValue(4);
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(3).first().asString().isEqualTo(
        "capture: the source at 127.0.0.1:5432/bank does not accept connections yet (Connection to 127.0.0.1:5432 "
            + "refused); trying again in 0.001s");
  }

  @Test
  void aServerStartingUpIsWaitedForButAWrongPasswordIsNot() {
    assertThat(SourceWait.refusedForNow(new SQLException("the database system is starting up", "57P03"))).isTrue();
    assertThat(SourceWait.refusedForNow(new SQLException("terminating connection due to administrator command", "57P01")))
        .isTrue();
    boolean reached = SourceWait.untilReachable(() -> {
      attempts.incrementAndGet();
      throw new SQLException("password authentication failed for user \"postgres\"", "28P01");
    }, "127.0.0.1:5432/bank", Duration.ofSeconds(10), Duration.ofMillis(1), out);

    assertThat(reached).isFalse();
    assertThat(attempts).as("no second attempt").hasValue(1);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void givesUpWhenTheLimitWouldPass() {
    boolean reached = SourceWait.untilReachable(() -> {
      attempts.incrementAndGet();
      throw new SQLException("Connection refused", "08001");
    }, "db:5432/x", Duration.ofMillis(50), Duration.ofMillis(20), out);

    assertThat(reached).isFalse();
    assertThat(attempts.get()).isBetween(1, 3);
  }

  @Test
  void aRealRefusedPortIsAConnectionFailureToWaitFor() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    long started = System.nanoTime();
    boolean reached = SourceWait.untilReachable("jdbc:postgresql://127.0.0.1:" + port + "/bank", new Properties(),
        "127.0.0.1:" + port + "/bank", Duration.ofMillis(1500), out);

    assertThat(reached).isFalse();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("does not accept connections yet");
    assertThat(System.nanoTime() - started).as("waited, then gave up").isGreaterThan(900_000_000L);
  }
}
