package dev.lakesync.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuzzWorkloadTest {
  private static final FuzzDialect POSTGRES = new PostgresFuzz(5432, "db");
  private static final FuzzDialect MARIADB = new MariaDbFuzz(3306);

  @Test
  void aSeedMakesTheSameTablesAndChangesEveryTime() {
    assertThat(describe(FuzzWorkload.generate(42, POSTGRES))).isEqualTo(describe(FuzzWorkload.generate(42, POSTGRES)))
        .isNotEqualTo(describe(FuzzWorkload.generate(43, POSTGRES)));
  }

  @Test
  void fiftySeedsCoverEveryShapeTheFuzzPromises() {
    List<String> seen = new ArrayList<>();
    for (long seed = 1; seed <= 50; seed++) {
      FuzzWorkload workload = FuzzWorkload.generate(seed, POSTGRES);
      for (FuzzTable table : workload.tables) {
        seen.add(table.key.size() > 1 ? "composite key" : "single key");
        seen.add(table.hasLargeColumn() ? "large values" : "small values");
        seen.add(table.fullIdentity ? "replica identity full" : "default identity");
        table.columns.forEach(column -> seen.add(column.name.matches("[a-z_][a-z0-9_]*") ? "plain name" : "odd name"));
        table.columns.forEach(column -> seen.add(column.nullable ? "nullable" : "not null"));
      }
      for (FuzzWorkload.Round round : workload.rounds) {
        seen.add(round.batches > 1 ? "spread over batches" : "one batch");
        for (List<FuzzChange> transaction : round.transactions) {
          seen.add(transaction.stream().map(change -> change.table).distinct().count() > 1 ? "multi-table" : "one table");
          for (FuzzChange change : transaction) {
            seen.add(change.kind.name());
            if (change.kind == FuzzChange.Kind.UPDATE && change.values.keySet().stream().anyMatch(change.table.key::contains)) {
              seen.add("key change");
            }
          }
        }
      }
    }
    assertThat(seen).contains("composite key", "single key", "large values", "replica identity full", "default identity",
        "odd name", "plain name", "nullable", "not null", "spread over batches", "one batch", "multi-table",
        "INSERT", "UPDATE", "DELETE", "TRUNCATE", "key change");
  }

  @Test
  void fiftySeedsUseEveryTypeOfBothSources() {
    for (FuzzDialect dialect : List.of(POSTGRES, MARIADB)) {
      java.util.Set<FuzzType> used = new java.util.HashSet<>();
      for (long seed = 1; seed <= 50; seed++) {
        for (FuzzTable table : FuzzWorkload.generate(seed, dialect).tables) {
          table.columns.forEach(column -> used.add(column.type));
        }
      }
      assertThat(used).as(dialect.sourceType()).containsExactlyInAnyOrderElementsOf(dialect.types());
    }
  }

  @Test
  void aKeyChangeOfARowWithLargeValuesComesOnlyWherePostgresqlSendsTheOldRowWhole() {
    for (long seed = 1; seed <= 50; seed++) {
      for (FuzzWorkload.Round round : FuzzWorkload.generate(seed, POSTGRES).rounds) {
        for (List<FuzzChange> transaction : round.transactions) {
          for (FuzzChange change : transaction) {
            if (change.kind == FuzzChange.Kind.UPDATE && change.values.keySet().stream().anyMatch(change.table.key::contains)) {
              assertThat(!change.table.hasLargeColumn() || change.table.fullIdentity).as(change.toString()).isTrue();
            }
          }
        }
      }
    }
    assertThat(FuzzWorkload.generate(3, MARIADB).tables).noneMatch(table -> table.fullIdentity);
  }

  @Test
  void statementsQuoteOddNamesAndBindEveryValue() {
    FuzzTable table = new FuzzTable("fz1", "t0", List.of(
        new FuzzTable.Column("id", POSTGRES.types().get(0), false),
        new FuzzTable.Column("Order \"Date\"", POSTGRES.types().get(8), true)), List.of("id"), false);
    FuzzChange update = new FuzzChange(FuzzChange.Kind.UPDATE, table,
        new java.util.LinkedHashMap<>(java.util.Map.of("Order \"Date\"", "x'); DROP TABLE t0; --")), java.util.Map.of("id", "5"));
    assertThat(update.sql(POSTGRES)).isEqualTo(
        "UPDATE \"fz1\".\"t0\" SET \"Order \"\"Date\"\"\" = CAST(? AS boolean) WHERE \"id\" = CAST(? AS integer)");
    assertThat(update.parameters()).containsExactly("x'); DROP TABLE t0; --", "5");
    assertThat(update.sql(MARIADB)).isEqualTo("UPDATE `fz1`.`t0` SET `Order \"Date\"` = ? WHERE `id` = ?");
  }

  private static String describe(FuzzWorkload workload) {
    StringBuilder text = new StringBuilder();
    for (FuzzTable table : workload.tables) {
      text.append(String.join("; ", table.createStatements(POSTGRES))).append('\n');
    }
    for (FuzzWorkload.Round round : workload.rounds) {
      for (List<FuzzChange> transaction : round.transactions) {
        for (FuzzChange change : transaction) {
          text.append(change.sql(POSTGRES)).append(change.parameters()).append('\n');
        }
      }
    }
    return text.toString();
  }
}
