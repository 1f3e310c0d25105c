package dev.lakesync.stream.bench;

import java.io.PrintStream;
import java.nio.file.Path;

/** What the Spark stages' benchmark entry points share: {@code --quick}, {@code --help}, the lakesync home. */
public final class BenchMain {
  /** A benchmark run: where lakesync is, where to print, and whether to run the smaller version. */
  public interface Benchmark {
    int run(Path home, PrintStream out, boolean quick) throws Exception;
  }

  private BenchMain() {
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
