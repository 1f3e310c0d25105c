package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.localstack.PortCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline, as a user runs it: {@code ./lakesync demo --duration 30s --rate 200} from this build (every
 * module is packaged before this one), on free ports and a work folder of its own. The demo must end with
 * mismatches=0, and the quarantine must hold exactly the rule-breaking rows the workload generator reports. While it
 * runs, its live dashboard is loaded in headless Chromium ({@link DashboardCheck}).
 */
class DemoIT {
  private static final Pattern GENERATED = Pattern.compile("(bank\\.\\w+)/(\\w+)=(\\d+)");
  private static final Pattern QUARANTINED = Pattern.compile("^verify: (bank\\.\\w+) quarantined events: (.*)$");
  private static final Pattern RULE = Pattern.compile("rule (\\w+)=(\\d+)");

  @TempDir
  Path work;

  @Test
  void halfAMinuteOfWorkloadReconcilesWithNothingLostAndOnlyRuleBreakersQuarantined() throws Exception {
    Path log = work.resolve("demo.log");
    ProcessBuilder builder = LauncherRun.command(log, "demo", "--duration", "30s", "--rate", "200", "--dashboard-port", "0");
    Map<String, String> env = builder.environment();
    env.put("LAKESYNC_WORK_DIR", work.resolve("stack").toString());
    env.put("LAKESYNC_LAKE_ROOT", work.resolve("stack/lake").toString());
    env.put("LAKESYNC_PG_PORT", Integer.toString(PortCheck.findFree()));
    env.put("LAKESYNC_KAFKA_PORT", Integer.toString(PortCheck.findFree()));
    env.put("LAKESYNC_KAFKA_CONTROLLER_PORT", Integer.toString(PortCheck.findFree()));
    Process demo = builder.start();
    MetricsCheck metrics = new MetricsCheck(log, demo);
    Thread scraper = new Thread(metrics, "demo-metrics-check");
    scraper.start();
    DashboardCheck dashboard = new DashboardCheck(log, Path.of("target"));
    String dashboardFailure = dashboard.runWhile(demo, Duration.ofMinutes(10));
    LauncherRun run = LauncherRun.await(demo, log, Duration.ofMinutes(15), "demo:", "verify:", "reconciliation:",
        "  rule-breaking");
    List<String> lines = run.lines;
    assertThat(run.finished).as("demo finished within 15 minutes").isTrue();
    assertThat(run.exitStatus).as(run.output()).isZero();
    assertThat(lines.get(lines.size() - 1)).matches(
        "reconciliation: tables=3 source_rows=\\d+ lake_rows=\\d+ warehouse_rows=\\d+ serving_docs=\\d+ mismatches=0");

    Map<String, Long> generated = new TreeMap<>();
    Map<String, Long> quarantined = new TreeMap<>();
    for (String line : lines) {
      if (line.startsWith("  rule-breaking rows:")) {
        Matcher rule = GENERATED.matcher(line);
        while (rule.find()) {
          if (Long.parseLong(rule.group(3)) > 0) {
            generated.put(rule.group(1) + "/" + rule.group(2), Long.parseLong(rule.group(3)));
          }
        }
      }
      Matcher table = QUARANTINED.matcher(line);
      if (table.matches()) {
        Matcher rule = RULE.matcher(table.group(2));
        while (rule.find()) {
          quarantined.put(table.group(1) + "/" + rule.group(1), Long.parseLong(rule.group(2)));
        }
      }
    }
    assertThat(generated).as("the workload broke some rules").isNotEmpty();
    assertThat(quarantined).isEqualTo(generated);
    assertThat(dashboardFailure).as("the live dashboard, in headless Chromium").isNull();

    scraper.join(10_000);
    assertThat(metrics.lastAnswer).as("every stage answered on /metrics").containsOnlyKeys("capture", "process",
        "warehouse", "serving");
    assertThat(metrics.value("capture", "lakesync_capture_changes_total")).isPositive();
    assertThat(metrics.value("process", "lakesync_process_landed_total")).isPositive();
    assertThat(metrics.value("process", "lakesync_process_records_total")).as("applied, superseded, quarantined...")
        .isPositive();
    assertThat(metrics.lastAnswer.get("process")).contains("lakesync_process_freshness_ms{stage=\"process\",table=\"bank.payments\"}");
    assertThat(metrics.value("warehouse", "lakesync_warehouse_passes_total")).isPositive();
    assertThat(metrics.value("warehouse", "lakesync_warehouse_changes_loaded_total")).isPositive();
    assertThat(metrics.value("serving", "lakesync_serving_passes_total")).isPositive();
    assertThat(metrics.value("serving", "lakesync_serving_documents_sent_total")).isPositive();
    // Freshness per table in the later stages too: the age of the lake commit they hold, known after a pass.
    assertThat(metrics.lastAnswer.get("warehouse"))
        .containsPattern("lakesync_warehouse_table_freshness_ms\\{stage=\"warehouse\",table=\"bank.payments\"} \\d");
    assertThat(metrics.lastAnswer.get("serving"))
        .containsPattern("lakesync_serving_table_freshness_ms\\{stage=\"serving\",table=\"bank.customers\"} \\d");
    assertThat(metrics.value("serving", "lakesync_serving_sink_throttled_total")).as("the local store never throttles")
        .isZero();
    // Every series the shipped Grafana dashboard queries is one a stage serves.
    String served = String.join("\n", metrics.lastAnswer.values());
    Matcher series = Pattern.compile("lakesync_[a-z_]+").matcher(
        java.nio.file.Files.readString(LauncherRun.home().resolve("deploy/grafana/lakesync.json")));
    java.util.Set<String> queried = new java.util.TreeSet<>();
    while (series.find()) {
      queried.add(series.group());
    }
    assertThat(queried).hasSizeGreaterThan(15);
    assertThat(queried).as("the Grafana dashboard's series").allSatisfy(name ->
        assertThat(served).containsPattern("(?m)^" + name + "[{ ]"));
    // The demo's progress lines come from the same endpoints.
    assertThat(run.output()).containsPattern("process +[1-9]\\d* events landed");
  }

}
