package dev.lakesync.verify;

import dev.lakesync.common.cli.StageMain;
import dev.lakesync.stream.SparkSessions;
import java.io.PrintStream;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/** {@code ./lakesync verify --config FILE}: exit status 0 only when the reconciliation line says mismatches=0. */
public final class VerifyMain {
  static final String HELP = String.join("\n",
      "usage: lakesync verify --config FILE",
      "",
      "Compares every source table with the validated Delta tables key by key, then each declared warehouse",
      "dimension and fact (computed from the lake with the same model) and the serving documents with the lake.",
      "Rows that differ only because their newest change was quarantined are counted",
      "apart. Lists the first differing keys, then prints last:",
      "  reconciliation: tables=N source_rows=X lake_rows=Y warehouse_rows=Z serving_docs=W mismatches=M",
      "Run it when the pipeline has caught up (the demo drains first). Exit status 0 only if mismatches=0.");

  private VerifyMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run("verify", HELP, args, Set.of(), Set.of(), out, err, (options, config) -> {
      SparkSession spark = SparkSessions.create(config, "lakesync-verify-" + config.name());
      try {
        return new Reconciliation(config, spark, out).run() == 0 ? 0 : 1;
      } finally {
        spark.stop();
      }
    });
  }
}
