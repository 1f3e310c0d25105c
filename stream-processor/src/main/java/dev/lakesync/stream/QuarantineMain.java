package dev.lakesync.stream;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.SparkSessions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./lakesync quarantine list|replay}: what the quarantine holds per table and reason, and the replay of its
 * events under the current config. Exit status 0 when done, 1 on a failure, 2 for a usage or config error.
 */
public final class QuarantineMain {
  private QuarantineMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.Quarantine(), args, out, err, (options, config) -> {
      List<TableConfig> tables = tables(options.table, config);
      SparkSession spark = SparkSessions.create(config, "lakesync-quarantine-" + config.name());
      QuarantineReplay quarantine = new QuarantineReplay(config, spark);
      if (options.action == Commands.QuarantineAction.list) {
        list(quarantine, tables, options.reason, out);
      } else {
        replay(quarantine, tables, options.reason, out);
      }
      return 0;
    });
  }

  private static void list(QuarantineReplay quarantine, List<TableConfig> tables, String reason, PrintStream out) {
    long waiting = 0;
    long replayed = 0;
    for (TableConfig table : tables) {
      QuarantineReplay.Summary summary = quarantine.summarize(table, reason);
      out.printf("quarantine: %s waiting=%d replayed=%d%n", table.qualifiedName(), summary.waiting, summary.replayed);
      for (Map.Entry<String, Long> byReason : summary.waitingByReason.entrySet()) {
        out.printf("quarantine:   %d %s%n", byReason.getValue(), byReason.getKey());
      }
      for (String sample : summary.samples) {
        out.println("quarantine:   e.g. " + sample);
      }
      waiting += summary.waiting;
      replayed += summary.replayed;
    }
    out.printf("quarantine: tables=%d waiting=%d replayed=%d%n", tables.size(), waiting, replayed);
  }

  private static void replay(QuarantineReplay quarantine, List<TableConfig> tables, String reason, PrintStream out) {
    long[] totals = new long[5];
    for (TableConfig table : tables) {
      QuarantineReplay.Result result = quarantine.replay(table, reason);
      out.printf("quarantine: %s considered=%d applied=%d superseded=%d dropped=%d still_quarantined=%d%n",
          table.qualifiedName(), result.considered, result.applied, result.superseded, result.dropped,
          result.stillQuarantined);
      long[] figures = {result.considered, result.applied, result.superseded, result.dropped, result.stillQuarantined};
      for (int i = 0; i < totals.length; i++) {
        totals[i] += figures[i];
      }
    }
    out.printf("quarantine: tables=%d considered=%d applied=%d superseded=%d dropped=%d still_quarantined=%d%n",
        tables.size(), totals[0], totals[1], totals[2], totals[3], totals[4]);
  }

  private static List<TableConfig> tables(String name, PipelineConfig config) {
    if (name == null) {
      return config.tables();
    }
    List<TableConfig> chosen = new ArrayList<>();
    for (TableConfig table : config.tables()) {
      if (table.qualifiedName().equals(name)) {
        chosen.add(table);
      }
    }
    if (chosen.isEmpty()) {
      throw new StageMain.UsageProblem("--table " + name + " is not a configured table (schema.table)");
    }
    return chosen;
  }
}
