package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.localstack.PortCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second example, deploy/examples/shop, through every stage as a user runs it with the launcher: the stack seeds
 * the shop from its SQL, each stage runs once, a round of changes (a type 2 change, deletes cascading to a composite
 * key's rows, guest orders, a rule-breaking line, equal rows in the keyless table) runs through again, and verify
 * reconciles every table, model and document type at mismatches=0.
 */
class ShopExampleIT {
  private static final String CONFIG = "deploy/examples/shop/pipeline.yaml";

  @TempDir
  Path work;

  private final Path home = LauncherRun.home();
  private final Map<String, String> env = new HashMap<>();

  @Test
  void theShopReconcilesThroughEveryStageAfterSeedAndChanges() throws Exception {
    int pgPort = PortCheck.findFree();
    env.put("LAKESYNC_WORK_DIR", work.resolve("stack").toString());
    env.put("LAKESYNC_LAKE_ROOT", work.resolve("lake").toString());
    env.put("LAKESYNC_PG_PORT", Integer.toString(pgPort));
    env.put("LAKESYNC_KAFKA_PORT", Integer.toString(PortCheck.findFree()));
    env.put("LAKESYNC_KAFKA_CONTROLLER_PORT", Integer.toString(PortCheck.findFree()));
    Path stackLog = work.resolve("stack.log");
    Process stack = launcher(stackLog, "stack", "--config", CONFIG).start();
    try {
      long deadline = System.currentTimeMillis() + 180_000;
      while (!Files.readString(stackLog).contains("lakesync stack: ready")) {
        assertThat(stack.isAlive()).as(Files.readString(stackLog)).isTrue();
        assertThat(System.currentTimeMillis()).as("stack ready within 3 minutes").isLessThan(deadline);
        Thread.sleep(200);
      }
      runStages();

      try (Connection shop = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/shop", "postgres", "");
           Statement statement = shop.createStatement()) {
        statement.execute(Files.readString(home.resolve("deploy/examples/shop/changes.sql")));
      }
      runStages();

      String verify = run("verify", "--config", CONFIG);
      List<String> lines = verify.lines().filter(line -> line.startsWith("verify:") || line.startsWith("reconciliation:"))
          .collect(java.util.stream.Collectors.toList());
      System.out.println(String.join("\n", lines));
      assertThat(lines.get(lines.size() - 1)).matches(
          "reconciliation: tables=7 source_rows=\\d+ lake_rows=\\d+ warehouse_rows=\\d+ serving_docs=\\d+ mismatches=0");
      assertThat(verify).contains("verify: shop.order_lines quarantined events: rule qty_positive=1")
          .contains("verify: serving order documents=799 ").contains("verify: serving product documents=60 ");

      String order = run("get", "order", "801", "--config", CONFIG);
      assertThat(order).contains("\"customer_email\":\"customer5@example.com\"").contains("\"items\":3")
          .contains("\"title\":\"Product 1\"");
      String sale = run("search", "product", "product", "--filter", "tags=eco", "--top", "100", "--config", CONFIG);
      assertThat(sale.lines().count()).isEqualTo(countTagged(pgPort, "eco"));
    } finally {
      stack.destroy();
      stack.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Capture, then process, then warehouse and serving side by side, as a deployment runs them (both only read the
   * lake the processor wrote).
   */
  private void runStages() throws Exception {
    runOnce("capture");
    runOnce("process");
    java.util.concurrent.CompletableFuture<Void> serving =
        java.util.concurrent.CompletableFuture.runAsync(() -> runOnce("serving"));
    runOnce("warehouse");
    serving.get(10, TimeUnit.MINUTES);
  }

  private void runOnce(String stage) {
    try {
      run("run", stage, "--config", CONFIG, "--once");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a launcher command to its end and returns its output; it must exit 0. */
  private String run(String... args) throws Exception {
    Path log = Files.createTempFile(work, args[0], ".log");
    Process process = launcher(log, args).start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(String.join(" ", args) + " ended").isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(String.join(" ", args) + ":\n" + output).isZero();
    return output;
  }

  private ProcessBuilder launcher(Path log, String... args) throws java.io.IOException {
    ProcessBuilder builder = LauncherRun.command(log, args).directory(home.toFile());
    builder.environment().putAll(env);
    return builder;
  }

  private static long countTagged(int pgPort, String tag) throws Exception {
    try (Connection shop = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/shop", "postgres", "");
         java.sql.PreparedStatement query = shop.prepareStatement("SELECT count(*) FROM shop.product_tags p "
             + "JOIN shop.tags t ON t.id = p.tag_id WHERE t.name = ?")) {
      query.setString(1, tag);
      try (java.sql.ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

}
