package dev.lakesync.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.lakesync.common.config.WarehouseModel;
import dev.lakesync.warehouse.model.BankModels;
import dev.lakesync.warehouse.model.ModelSql;
import dev.lakesync.warehouse.model.ResolvedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL a load of the demo bank's declared models sends, compared with golden files reviewed by eye
 * (src/test/resources/golden): T-SQL for the dedicated SQL pool and SQL Server, and PostgreSQL. After an intended
 * change, regenerate them with -Dlakesync.updateGolden=true and review the diff.
 */
class TsqlDialectTest {
  @TempDir
  static Path dir;

  @Test
  void synapseStatementsMatchTheGoldenFile() throws IOException {
    assertGolden("tsql-synapse.sql", TsqlDialect.synapse(StagingLocation.of(java.net.URI.create("abfss://staging@acct.dfs.core.windows.net/dw/")), "dw"));
  }

  @Test
  void sqlServerStatementsMatchTheGoldenFile() throws IOException {
    assertGolden("tsql-sqlserver.sql", TsqlDialect.sqlServer("dw"));
  }

  @Test
  void postgresStatementsMatchTheGoldenFile() throws IOException {
    assertGolden("postgresql.sql", postgres());
  }

  @Test
  void identifiersAreQuotedAndHostileOnesRejected() {
    TsqlDialect dialect = TsqlDialect.sqlServer("dw");
    assertThat(dialect.quote("order")).isEqualTo("[order]");
    assertThat(dialect.table("dw", "select")).isEqualTo("[dw].[select]");
    assertThatThrownBy(() -> dialect.quote("x]; DROP TABLE t; --")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dialect.createStatements("dw'); DROP SCHEMA dw; --"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> postgres().quote("a\"b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyStatementOfEitherDialectQuotesTheNamesItUses() throws IOException {
    for (WarehouseDialect dialect : List.of(TsqlDialect.sqlServer("dw"), postgres())) {
      for (String sql : render(dialect)) {
        assertThat(sql).doesNotContain(" dw.").doesNotContain("(dw.").doesNotContain(" customer_id ")
            .doesNotContain(".customer_id").doesNotContain(" amount");
      }
    }
  }

  private static PostgresDialect postgres() {
    return new PostgresDialect("dw", "jdbc:postgresql://127.0.0.1/warehouse", new java.util.Properties());
  }

  /** Every statement a load can send, in the order the loader sends them. */
  private static List<String> render(WarehouseDialect dialect) throws IOException {
    List<ResolvedModel> models = BankModels.resolved(dir);
    ModelSql sql = new ModelSql(dialect, "dw");
    List<String> statements = new ArrayList<>(dialect.createStatements("dw"));
    List<ResolvedModel> staged = new ArrayList<>();
    for (ResolvedModel model : models) {
      statements.addAll(sql.create(model));
      if (model.kind() != WarehouseModel.Kind.AGGREGATE) {
        staged.add(model);
      }
    }
    statements.add(dialect.selectLoadState("dw"));
    statements.addAll(dialect.createStaging(staged));
    for (ResolvedModel model : staged) {
      statements.add(sql.selectPresent(model));
      statements.addAll(sql.apply(model, dialect.staging(model), true));
      statements.addAll(sql.apply(model, dialect.staging(model), false));
    }
    for (ResolvedModel model : models) {
      if (model.kind() == WarehouseModel.Kind.AGGREGATE) {
        statements.add(sql.collectTouched(model, dialect.staging(model.fact())));
        statements.addAll(sql.beforeFacts(model));
        statements.addAll(sql.refresh(model, true));
        statements.add(sql.dropTouched(model));
        statements.addAll(sql.refresh(model, false));
      }
    }
    statements.add(dialect.upsertLoadState("dw"));
    for (ResolvedModel model : models) {
      statements.addAll(dialect.updateStatistics(sql.target(model)));
    }
    return statements;
  }
  private static void assertGolden(String name, WarehouseDialect dialect) throws IOException {
    String rendered = String.join(";\n\n", render(dialect)) + "\n";
    Path golden = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("lakesync.updateGolden")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, rendered, StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file (generate with -Dlakesync.updateGolden=true, then review)").exists();
    assertThat(rendered).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
