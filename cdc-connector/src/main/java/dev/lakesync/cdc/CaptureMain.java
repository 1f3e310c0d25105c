package dev.lakesync.cdc;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import java.io.PrintStream;

/**
 * Entry point of the capture stage ({@code ./lakesync run capture}): reads the pipeline config and runs the
 * {@link CaptureService} in the foreground until SIGTERM / Ctrl-C, or with --once until the source is idle.
 * Exit status 0 after a graceful stop, 1 on a failure, 2 for a usage or config error.
 */
public final class CaptureMain {
  private CaptureMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.RunCapture(), args, out, err, (options, config) -> {
      CaptureService service = new CaptureService(config, new CaptureService.Options()
          .once(options.once)
          .metricsPort(options.metrics.port)
          .metricsAddress(options.metrics.address)
          .statusInterval(options.statusInterval), out);
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
