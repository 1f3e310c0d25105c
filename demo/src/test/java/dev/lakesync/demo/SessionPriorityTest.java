package dev.lakesync.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stage in a session of its own gets the session's priority lowered, and the demo's own session keeps its own. */
class SessionPriorityTest {
  @Test
  void lowersTheChildSessionOnly() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/autogroup")) && Files.isExecutable(Path.of("/usr/bin/setsid")),
        "skipped: this system has no Linux autogroup or no setsid");
    String ownBefore = Files.readString(Path.of("/proc/self/autogroup"));
    Process child = new ProcessBuilder("/usr/bin/setsid", "sleep", "30").start();
    try {
      assertThat(SessionPriority.lower(child.pid(), 7)).isTrue();
      String childGroup = Files.readString(Path.of("/proc/" + child.pid() + "/autogroup")).trim();
      assertThat(childGroup).endsWith("nice 7");
      assertThat(Files.readString(Path.of("/proc/self/autogroup"))).isEqualTo(ownBefore);
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aProcessThatIsGoneIsLeftAlone() throws Exception {
    Process child = new ProcessBuilder("true").start();
    child.waitFor(10, TimeUnit.SECONDS);
    assertThat(SessionPriority.lower(child.pid(), 7)).isFalse();
  }
}
