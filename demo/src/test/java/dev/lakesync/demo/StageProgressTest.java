package dev.lakesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StageProgressTest {
  private static String processMetrics(double landed, double lag) {
    return String.join("\n",
        "# HELP lakesync_process_landed_total records of the topics landed",
        "# TYPE lakesync_process_landed_total counter",
        "lakesync_process_landed_total{stage=\"process\"} " + landed,
        "lakesync_process_landed_by_table_total{stage=\"process\",table=\"bank.accounts\"} 3.0",
        "lakesync_process_lag_ms{stage=\"process\"} " + lag, "");
  }

  @Test
  void readsTheTotalAndTheLagFromTheStagesMetrics() {
    StageProgress progress = new StageProgress("process");
    progress.accept(processMetrics(120, 1500));
    assertThat(progress.total).isEqualTo(120);
    assertThat(progress.lagMs).isEqualTo(1500);
    assertThat(progress.describe(10)).isEqualTo("process         120 events landed,     10/s, lag 1.5 s");
  }

  @Test
  void aStageStartedAgainCountsOnFromItsEarlierRuns() {
    StageProgress progress = new StageProgress("process");
    progress.accept(processMetrics(120, 1500));
    progress.accept(processMetrics(30, -1));
    assertThat(progress.total).isEqualTo(150);
    assertThat(progress.lagMs).as("no batch with a change yet in this run").isNull();
  }

  @Test
  void sumsAMetricOverItsLabelsAndIgnoresLongerNames() {
    String text = "lakesync_x_total{table=\"a\"} 2.0\nlakesync_x_total{table=\"b\"} 3.0\nlakesync_x_total_more 9.0\n";
    assertThat(StageProgress.value(text, "lakesync_x_total")).isEqualTo(5.0);
    assertThat(StageProgress.value(text, "lakesync_y_total")).isNull();
  }
}
