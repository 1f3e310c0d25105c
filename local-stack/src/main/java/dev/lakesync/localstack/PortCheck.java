package dev.lakesync.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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

  /** A port that was free a moment ago (tests and benchmarks that start their own servers). */
  public static int findFree() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
