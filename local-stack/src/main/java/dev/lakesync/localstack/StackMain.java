package dev.lakesync.localstack;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code lakesync stack}: the embedded PostgreSQL and Kafka of a pipeline config, until Ctrl-C. */
public final class StackMain {
  private StackMain() {
  }

  public static void main(String[] args) {
    Path home = Path.of(System.getProperty("lakesync.home", "."));
    System.exit(StageMain.run(new Commands.Stack(), args, System.out, System.err, (options, config) ->
        serve(config, LocalStackConfig.load(options.config.orDefault(home), System::getenv), options.fresh, System.out)));
  }

  /** Starts the stack, prints where it listens, and waits for the JVM's shutdown to stop it; returns 0. */
  public static int serve(PipelineConfig config, LocalStackConfig settings, boolean fresh, PrintStream out)
      throws InterruptedException {
    long started = System.nanoTime();
    out.println("lakesync stack: starting PostgreSQL and Kafka (data in " + config.workDir().toAbsolutePath().normalize() + ")");
    LocalStack stack = LocalStack.start(config, settings, fresh);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean closing = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (closing.compareAndSet(false, true)) {
        out.println("lakesync stack: stopping...");
        stack.close();
        out.println("lakesync stack: stopped; data kept in " + stack.workDir());
        out.flush();
        stopped.countDown();
      }
    }, "lakesync-stack-shutdown"));
    out.printf("lakesync stack: ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
    out.println(stack.describe(config.source().database()));
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }
}
