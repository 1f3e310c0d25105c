package dev.lakesync.cdc;

import dev.lakesync.common.cli.StageMain;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * Entry point of the capture stage ({@code ./lakesync run capture}): reads the pipeline config and runs the
 * {@link CaptureService} in the foreground until SIGTERM / Ctrl-C, or with --once until the source is idle.
 * Exit status 0 after a graceful stop, 1 on a failure, 2 for a usage or config error.
 */
public final class CaptureMain {
  static final String HELP = String.join("\n",
      "usage: lakesync run capture --config FILE [--once] [--metrics-port N] [--status-interval D]",
      "",
      "Captures row changes of the config's tables with Debezium and publishes them to its broker (Kafka or",
      "Event Hubs). Offsets are committed only for changes the broker acknowledged; a restart resumes there.",
      "",
      "  --config FILE        pipeline config (required)",
      "  --once               stop when the source has been idle for 5 s (batch mode)",
      "  --metrics-port N     serve /health and /metrics on port N (default: none; 0 picks a free port)",
      "  --status-interval D  status line every D (default 10s)");

  private CaptureMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run("run capture", HELP, args, Set.of("--metrics-port", "--status-interval"), Set.of("--once"),
        out, err, (options, config) -> {
          Duration statusInterval = options.duration("--status-interval");
          CaptureService service = new CaptureService(config, new CaptureService.Options()
              .once(options.flag("--once"))
              .metricsPort((int) options.longValue("--metrics-port", -1))
              .statusInterval(statusInterval == null ? Duration.ofSeconds(10) : statusInterval), out);
          Thread hook = new Thread(() -> {
            int status = service.stop();
            out.flush();
            // A stop by SIGTERM that committed cleanly is a success for service managers: exit 0, not 143.
            Runtime.getRuntime().halt(status);
          }, "lakesync-capture-shutdown");
          Runtime.getRuntime().addShutdownHook(hook);
          try {
            return service.run();
          } finally {
            try {
              Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
              // the hook is running: it waits for run() to return, which it just did, and exits with its status
            }
          }
        });
  }
}
