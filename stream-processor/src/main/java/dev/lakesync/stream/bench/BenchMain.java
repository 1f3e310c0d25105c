package dev.lakesync.stream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the Spark stages' benchmark entry points share: {@code --quick}, {@code --help}, the lakesync home. */
public final class BenchMain {
  /** A benchmark run: where lakesync is, where to print, and whether to run the smaller version. */
  public interface Benchmark {
    int run(Path home, PrintStream out, boolean quick) throws Exception;
  }

  private BenchMain() {
  }

  /** A free port on the loopback interface, for a benchmark's own servers. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a benchmark's work folder. */
  public static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** Parses the arguments, runs the benchmark and exits: its status, 0 for --help, 2 for an unknown option. */
  public static void main(String name, String help, String[] args, Benchmark benchmark) throws Exception {
    boolean quick = false;
    for (String arg : args) {
      if (arg.equals("--quick")) {
        quick = true;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println("usage: lakesync bench " + name + " [--quick]\n\n" + help);
        System.exit(0);
      } else {
        System.err.println("lakesync bench " + name + ": unknown option '" + arg + "' (see --help)");
        System.exit(2);
      }
    }
    System.exit(benchmark.run(Path.of(System.getProperty("lakesync.home", ".")), System.out, quick));
  }
}
