package dev.lakesync.bench;

import dev.lakesync.common.cli.StageMain;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalInt;
import java.util.function.Predicate;
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

  /**
   * Parses the arguments into {@code command} (its declaration in the command tree), runs the benchmark and exits:
   * its status, 0 for --help, 2 for a usage error.
   */
  public static <T> void main(T command, Predicate<T> quick, String[] args, Benchmark benchmark) throws Exception {
    OptionalInt parsed = StageMain.parse(command, args, System.out, System.err);
    if (parsed.isPresent()) {
      System.exit(parsed.getAsInt());
    }
    System.exit(benchmark.run(Path.of(System.getProperty("lakesync.home", ".")), System.out, quick.test(command)));
  }
}
