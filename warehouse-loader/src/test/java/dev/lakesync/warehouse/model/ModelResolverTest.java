package dev.lakesync.warehouse.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.WarehouseModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverTest {
  @TempDir
  Path dir;

  /** The processor creates the validated tables in any order: until all are there the loader only waits. */
  @Test
  void whileAnyTableIsMissingTheModelsWaitWithoutAProblemWhicheverTablesAreThere() throws Exception {
    List<WarehouseModel> models = BankModels.config(dir, BankModels.warehouse("jdbc:postgresql://127.0.0.1/w"))
        .warehouse().orElseThrow().models();
    for (Set<String> present : List.of(Set.<String>of(), Set.of("bank.payments"), Set.of("bank.accounts"),
        Set.of("bank.customers"), Set.of("bank.payments", "bank.accounts"), Set.of("bank.payments", "bank.customers"),
        Set.of("bank.accounts", "bank.customers"))) {
      ModelResolver.Result result = new ModelResolver(
          table -> present.contains(table) ? Optional.of(BankModels.TABLES.get(table)) : Optional.empty(),
          BankModels::type).resolve(models);

      assertThat(result.problems).as("with only %s in the lake", present).isEmpty();
      assertThat(result.models).isEmpty();
      assertThat(result.missingTables).isNotEmpty().noneMatch(present::contains);
    }
  }
}
