package dev.lakesync.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The T-SQL the loader sends, compared with golden files reviewed by eye (src/test/resources/golden). After an
 * intended change, regenerate them with -Dlakesync.updateGolden=true and review the diff.
 */
class TsqlDialectTest {
  @Test
  void synapseStatementsMatchTheGoldenFile() throws IOException {
    assertGolden("tsql-synapse.sql", TsqlDialect.synapse("abfss://staging@acct.dfs.core.windows.net/dw/", "dw"));
  }

  @Test
  void sqlServerStatementsMatchTheGoldenFile() throws IOException {
    assertGolden("tsql-sqlserver.sql", TsqlDialect.sqlServer());
  }

  @Test
  void identifiersAreQuotedAndHostileOnesRejected() {
    TsqlDialect dialect = TsqlDialect.sqlServer();
    assertThat(dialect.quote("order")).isEqualTo("[order]");
    assertThat(dialect.table("dw", "select")).isEqualTo("[dw].[select]");
    assertThatThrownBy(() -> dialect.quote("x]; DROP TABLE t; --")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dialect.createStatements("dw'); DROP SCHEMA dw; --"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> postgres().quote("a\"b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyStatementOfEitherDialectQuotesTheSchemaItNames() {
    for (WarehouseDialect dialect : List.of(TsqlDialect.sqlServer(), postgres())) {
      for (String sql : render(dialect)) {
        assertThat(sql).doesNotContain(" dw.").doesNotContain("(dw.");
      }
    }
  }

  private static PostgresDialect postgres() {
    return new PostgresDialect("dw", "jdbc:postgresql://127.0.0.1/warehouse", new java.util.Properties());
  }

  private static List<String> render(WarehouseDialect dialect) {
    List<String> statements = new ArrayList<>(dialect.createStatements("dw"));
    statements.addAll(dialect.createStaging());
    statements.addAll(dialect.applyStatements("dw", false));
    statements.add(dialect.selectLoadState("dw"));
    statements.add(dialect.upsertLoadState("dw"));
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
