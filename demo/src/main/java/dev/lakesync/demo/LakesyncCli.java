package dev.lakesync.demo;

import dev.lakesync.common.cli.CommandTree;
import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.ProgressLine;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.ConfigException;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.localstack.DemoBank;
import dev.lakesync.localstack.LocalStackConfig;
import dev.lakesync.localstack.StackMain;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Entry point of {@code ./lakesync}: parses the subcommand and its options, loads the pipeline config and runs
 * the command. Exit status 0 on success, 1 when the work failed, 2 for a usage or config error.
 */
public final class LakesyncCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final Function<String, String> env;
  private final Path home;

  LakesyncCli(PrintStream out, PrintStream err, Function<String, String> env, Path home) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.home = home;
  }

  public static void main(String[] args) {
    String homeProperty = System.getProperty("lakesync.home", ".");
    int status = new LakesyncCli(System.out, System.err, System::getenv, Path.of(homeProperty)).run(args);
    System.exit(status);
  }

  int run(String[] args) {
    CommandLine root = CommandTree.root(out, err);
    CommandLine.ParseResult parsed;
    try {
      parsed = root.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      String path = pathOf(e.getCommandLine());
      String message = unknownCommand(e).orElse(e.getMessage());
      err.println(path.isEmpty() ? "lakesync: " + message + " (see lakesync --help)" : StageMain.usageError(path, message));
      return USAGE;
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return OK;
    }
    List<CommandLine> chain = parsed.asCommandLineList();
    CommandLine leaf = chain.get(chain.size() - 1);
    Object command = leaf.getCommand();
    String path = pathOf(leaf);
    if (!leaf.getSubcommands().isEmpty()) {
      // lakesync, run or bench without the command under it
      leaf.usage(leaf == root ? out : err, CommandLine.Help.Ansi.AUTO);
      return leaf == root && args.length > 0 ? OK : USAGE;
    }
    try {
      if (command instanceof Runnable) {
        ((Runnable) command).run(); // generate-completion
        return OK;
      }
      if (command instanceof Commands.Stack) {
        return stack((Commands.Stack) command);
      }
      if (command instanceof Commands.Demo) {
        return demo((Commands.Demo) command);
      }
      if (command instanceof Commands.Workload) {
        return workload((Commands.Workload) command);
      }
      if (command instanceof Commands.BenchCapture) {
        return new CaptureBenchmark(home, out, ((Commands.BenchCapture) command).quick.quick).run();
      }
      if (command instanceof Commands.BenchEndToEnd) {
        return new EndToEndBenchmark(home, out, ((Commands.BenchEndToEnd) command).quick.quick).run();
      }
      if (command instanceof Commands.BenchChaos) {
        Commands.BenchChaos chaos = (Commands.BenchChaos) command;
        return new ChaosSoak(home, out, chaos.quick.quick, chaos.seed).run();
      }
      // The rest run with Spark's, Debezium's or the sinks' classpath, which this JVM (the broker's) cannot share.
      err.println(StageMain.usageError(path, "runs through the ./lakesync launcher, which starts it with its own classpath"));
      return USAGE;
    } catch (ConfigException e) {
      err.println("lakesync " + path + ": " + e.getMessage());
      return USAGE;
    } catch (Exception e) {
      err.println("lakesync " + path + ": " + describe(e));
      return FAILED;
    }
  }

  /** "unknown command 'dmeo' (did you mean demo?)" when a word where a command belongs names none. */
  private static Optional<String> unknownCommand(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException) || e.getCommandLine().getSubcommands().isEmpty()) {
      return Optional.empty();
    }
    CommandLine.UnmatchedArgumentException unmatched = (CommandLine.UnmatchedArgumentException) e;
    List<String> words = unmatched.getUnmatched();
    if (words.isEmpty() || words.get(0).startsWith("-")) {
      return Optional.empty();
    }
    List<String> suggestions = new java.util.ArrayList<>();
    for (String name : e.getCommandLine().getSubcommands().keySet()) {
      if (typos(words.get(0), name) <= 2) {
        suggestions.add(name);
      }
    }
    return Optional.of("unknown command '" + words.get(0) + "'"
        + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)"));
  }

  /** Edits (insert, delete, replace, swap two neighbours) from a to b: optimal string alignment distance. */
  static int typos(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** "run process" for the command line of {@code lakesync run process}; empty for the root. */
  private static String pathOf(CommandLine line) {
    String name = line.getCommandSpec().qualifiedName(" ");
    return name.equals("lakesync") ? "" : name.substring("lakesync ".length());
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += " (" + cause.getMessage() + ")";
    }
    return message;
  }

  private PipelineConfig loadConfig(Commands.LocalConfig config) {
    return new PipelineConfigLoader(env).load(config.orDefault(home));
  }

  private int stack(Commands.Stack options) throws InterruptedException {
    PipelineConfig config = loadConfig(options.config);
    return StackMain.serve(config, LocalStackConfig.load(options.config.orDefault(home), env), options.fresh, out);
  }

  private int demo(Commands.Demo options) throws Exception {
    Path file = options.config.orDefault(home);
    PipelineConfig config = new PipelineConfigLoader(env).load(file);
    Demo demo = new Demo(home, config, file, out,
        System.console() != null);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      demo.requestStop();
      try {
        finished.await(10, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lakesync-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Integer dashboardPort = options.noDashboard ? null : options.dashboardPort;
      return demo.run(options.rate, options.duration, options.fresh, dashboardPort);
    } finally {
      finished.countDown();
    }
  }

  private int workload(Commands.Workload options) throws SQLException {
    double rate = options.rate;
    Duration duration = options.duration;
    long seed = options.seed;
    double badShare = options.badShare;
    PipelineConfig config = loadConfig(options.config);

    Connection connection;
    try {
      connection = DriverManager.getConnection(config.source().jdbcUrl(), config.source().jdbcProperties());
    } catch (SQLException e) {
      throw new SQLException("cannot connect to " + config.source().jdbcUrl() + " (is `lakesync stack` running?): "
          + e.getMessage(), e);
    }
    if (options.prepare) {
      DemoBank.createSchema(connection);
      LocalStackConfig settings = LocalStackConfig.load(options.config.orDefault(home), env);
      if (DemoBank.seedIfEmpty(connection, settings.customers(), settings.accountsPerCustomer(), settings.payments(), seed)) {
        out.println("lakesync workload: created and seeded the bank schema");
      }
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.set(true);
      awaitQuietly(finished);
    }, "lakesync-workload-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (WorkloadGenerator generator = new WorkloadGenerator(connection, seed, badShare)) {
      out.printf("lakesync workload: %.0f operations/s against %s%s, seed %d, bad-row share %.3f%n", rate,
          config.source().jdbcUrl(), duration == null ? " until Ctrl-C" : " for " + duration.toSeconds() + " s", seed, badShare);
      Thread progress = new Thread(() -> showProgress(generator, duration, stop), "lakesync-workload-progress");
      progress.setDaemon(true);
      progress.start();
      generator.run(rate, duration, stop::get);
      stop.set(true);
      out.println("lakesync workload: done, " + generator.counts().totalChanges() + " row changes committed");
      out.println(generator.counts().describe());
      out.flush();
    } finally {
      finished.countDown();
      if (!stop.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    return OK;
  }

  private void showProgress(WorkloadGenerator generator, Duration duration, AtomicBoolean stop) {
    long started = System.nanoTime();
    ProgressLine progress = ProgressLine.start(out, "lakesync workload", "row changes", 0, Duration.ofSeconds(5));
    while (!stop.get()) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        break;
      }
      long left = duration == null ? -1 : duration.toSeconds() - (System.nanoTime() - started) / 1_000_000_000L;
      progress.update(generator.counts().totalChanges(), ", " + generator.counts().totalViolations() + " rule-breaking"
          + (left >= 0 ? ", " + left + " s left" : ""));
    }
    progress.finish();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
