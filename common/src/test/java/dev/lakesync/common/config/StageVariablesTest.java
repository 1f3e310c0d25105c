package dev.lakesync.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.synapse.tokenlibrary.TokenLibrary;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each stage needs only its own sections' variables; inside Synapse they come from Key Vault. */
class StageVariablesTest {
  private static final String YAML = String.join("\n",
      "source: {type: postgresql, host: db.example.com, database: bank, user: cdc, password: '${SOURCE_PASSWORD}'}",
      "broker: {type: eventhubs, bootstrapServers: 'ns.servicebus.windows.net:9093', auth: connection-string, connectionString: '${EVENTHUBS_CONNECTION}'}",
      "lake: {root: /tmp/lake}",
      "tables: [{name: bank.customers, key: [id]}]",
      "warehouse: {type: postgresql, jdbcUrl: '${WAREHOUSE_URL}', password: '${WAREHOUSE_PASSWORD}'}",
      "");

  @AfterEach
  void forget() {
    TokenLibrary.SECRETS.clear();
  }

  @Test
  void aStageDoesNotNeedTheVariablesOfSectionsItDoesNotRead() {
    PipelineConfig config = new PipelineConfigLoader(Map.of("EVENTHUBS_CONNECTION", "Endpoint=sb://x")::get)
        .onlySections(Set.of("broker", "lake", "tables")).parse(YAML, "pipeline.yaml");
    assertThat(config.lake().root()).isNotNull();
    assertThat(config.warehouse()).isPresent();
  }

  @Test
  void everyUnsetVariableOfTheSectionsItReadsIsReportedTogether() {
    assertThatThrownBy(() -> new PipelineConfigLoader(Map.<String, String>of()::get)
        .onlySections(Set.of("lake", "tables", "warehouse")).parse(YAML, "pipeline.yaml"))
        .hasMessageContaining("warehouse.jdbcUrl: environment variable WAREHOUSE_URL is not set")
        .hasMessageContaining("warehouse.password: environment variable WAREHOUSE_PASSWORD is not set")
        .hasMessageNotContaining("SOURCE_PASSWORD").hasMessageNotContaining("EVENTHUBS_CONNECTION");
    assertThatThrownBy(() -> new PipelineConfigLoader(Map.<String, String>of()::get).parse(YAML, "pipeline.yaml"))
        .as("verify reads every section").hasMessageContaining("SOURCE_PASSWORD").hasMessageContaining("WAREHOUSE_URL");
  }

  @Test
  void insideSynapseVariablesComeFromTheKeyVaultThroughItsLinkedService() {
    String synapse = YAML + "secrets: {keyVault: lakesync-kv, linkedService: kv-link}\n";
    TokenLibrary.SECRETS.put("lakesync-kv/kv-link/WAREHOUSE-URL", "jdbc:postgresql://dw.example.com/dw");
    TokenLibrary.SECRETS.put("lakesync-kv/kv-link/WAREHOUSE-PASSWORD", "s3cret");
    PipelineConfig config = new PipelineConfigLoader(Map.of("WAREHOUSE_PASSWORD", "from-the-environment")::get)
        .onlySections(Set.of("lake", "tables", "warehouse")).parse(synapse, "pipeline.yaml");
    assertThat(config.warehouse().orElseThrow().jdbcUrl()).isEqualTo("jdbc:postgresql://dw.example.com/dw");
    assertThat(config.warehouse().orElseThrow().jdbcProperties().getProperty("password")).isEqualTo("s3cret");

    TokenLibrary.SECRETS.remove("lakesync-kv/kv-link/WAREHOUSE-PASSWORD");
    assertThatThrownBy(() -> new PipelineConfigLoader(Map.<String, String>of()::get)
        .onlySections(Set.of("lake", "tables", "warehouse")).parse(synapse, "pipeline.yaml"))
        .hasMessageContaining("warehouse.password: ${WAREHOUSE_PASSWORD}: the Synapse token library could not get "
            + "secret WAREHOUSE-PASSWORD of Key Vault lakesync-kv (linked service kv-link)")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void theSecretsSectionNamesAVaultAndItsLinkedService() {
    assertThatThrownBy(() -> new PipelineConfigLoader(Map.of("X", "y")::get).onlySections(Set.of("lake"))
        .parse(YAML + "secrets: {keyVault: 'no_underscores', other: 1}\n", "pipeline.yaml"))
        .hasMessageContaining("secrets.keyVault: expected a Key Vault name")
        .hasMessageContaining("secrets.linkedService: is required").hasMessageContaining("secrets.other");
  }
}
