package dev.lakesync.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Lowers the CPU priority of a stage's whole session on Linux. */
final class SessionPriority {
  private SessionPriority() {
  }

  /**
   * Where Linux groups the CPU share by session (autogroup, on by default on desktops), a niced process in a session of
   * its own still gets its session's full share: the session's nice is set as well, once setsid has made it.
   * Returns whether it was set (false where there is no autogroup, or it is not permitted).
   */
  static boolean lower(long pid, int niceness) {
    Path own = Path.of("/proc/self/autogroup");
    Path child = Path.of("/proc/" + pid + "/autogroup");
    if (!Files.isReadable(own) || !Files.isWritable(child)) {
      return false;
    }
    try {
      String ownGroup = Files.readString(own).split(" ")[0];
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < deadline) {
        if (!Files.readString(child).split(" ")[0].equals(ownGroup)) {
          Files.writeString(child, String.valueOf(niceness));
          return true;
        }
        Thread.sleep(10);
      }
    } catch (IOException e) {
      // not permitted here, or the process is gone: it runs at normal priority
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
