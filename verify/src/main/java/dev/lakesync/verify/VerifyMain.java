package dev.lakesync.verify;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.lake.SparkSessions;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/** {@code ./lakesync verify --config FILE}: exit status 0 only when the reconciliation line says mismatches=0. */
public final class VerifyMain {
  private VerifyMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.Verify(), args, out, err, (options, config) -> {
      SparkSession spark = SparkSessions.create(config, "lakesync-verify-" + config.name());
      try {
        return new Reconciliation(config, spark, out).run() == 0 ? 0 : 1;
      } finally {
        spark.stop();
      }
    });
  }
}
