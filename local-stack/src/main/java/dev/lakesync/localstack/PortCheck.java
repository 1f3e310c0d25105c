package dev.lakesync.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Fails early, naming the setting to change, when a port the stack wants is taken. */
public final class PortCheck {
  private PortCheck() {
  }

  static void requireFree(String what, int port, String envVariable) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException(what + " cannot listen on 127.0.0.1:" + port
          + ": the port is in use (is a stack already running? otherwise set " + envVariable + " to a free port)");
    }
  }

  /** Ports this JVM handed out: the system may offer a port again as soon as its probe socket is closed. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port that was free a moment ago and that this JVM has not handed out before (tests and benchmarks that start
   * their own servers, often several at once: a broker and its controller must not get the same port).
   */
  public static int findFree() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new IllegalStateException("no free port", e);
      }
    }
    throw new IllegalStateException("no free port that was not handed out already");
  }
}
