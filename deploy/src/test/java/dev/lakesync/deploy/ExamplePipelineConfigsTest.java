package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.BrokerConfig;
import dev.lakesync.common.config.ConfigException;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.localstack.LocalStackConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example configs shipped in deploy/ must load; a change to the config model that breaks them fails here. */
class ExamplePipelineConfigsTest {
  @Test
  void localConfigLoadsWithNoEnvironmentAtAll() {
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(Path.of("local/pipeline.yaml"));

    assertThat(config.source().port()).isEqualTo(54329);
    assertThat(config.broker().bootstrapServersString()).isEqualTo("127.0.0.1:19092");
    assertThat(LocalStackConfig.load(Path.of("local/pipeline.yaml"), name -> null).kafkaControllerPort(config))
        .isEqualTo(19093);
    assertThat(config.tables()).extracting(t -> t.qualifiedName())
        .containsExactly("bank.customers", "bank.accounts", "bank.payments");
    assertThat(config.tables().get(2).rules()).extracting(r -> r.name())
        .contains("amount_positive", "currency_iso");
    assertThat(config.warehouse()).get().extracting(WarehouseConfig::type).isEqualTo(WarehouseConfig.Type.POSTGRESQL);
    assertThat(config.serving()).get().extracting(ServingConfig::sinks).asList().containsExactly(ServingConfig.Sink.LOCAL);
  }

  @Test
  void localConfigPortsFollowTheEnvironment() {
    Map<String, String> env = Map.of("LAKESYNC_PG_PORT", "61000", "LAKESYNC_KAFKA_PORT", "61001");
    PipelineConfig config = new PipelineConfigLoader(env::get).load(Path.of("local/pipeline.yaml"));

    assertThat(config.source().port()).isEqualTo(61000);
    assertThat(config.warehouse().get().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:61000/warehouse");
    assertThat(config.broker().bootstrapServersString()).isEqualTo("127.0.0.1:61001");
  }

  @Test
  void shopExampleLoadsWithItsOwnTablesModelsAndDocuments() {
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(Path.of("examples/shop/pipeline.yaml"));

    assertThat(config.tables()).extracting(t -> t.qualifiedName()).contains("shop.order_lines", "shop.order_events");
    assertThat(config.tables()).filteredOn(t -> t.appendOnly()).singleElement()
        .satisfies(t -> assertThat(t.key()).isEmpty());
    assertThat(config.warehouse().get().models()).extracting(m -> m.name())
        .containsExactly("dim_customer", "dim_product", "fact_order", "fact_order_line", "agg_orders_daily");
    assertThat(config.serving().get().documents()).extracting(d -> d.type()).containsExactly("order", "product");
    assertThat(LocalStackConfig.load(Path.of("examples/shop/pipeline.yaml"), name -> null).seed())
        .isEqualTo("deploy/examples/shop/seed.sql");
  }

  @Test
  void azureConfigLoadsWhenItsVariablesAreSet() {
    Map<String, String> env = Map.of(
        "LAKESYNC_PG_HOST", "bank.postgres.database.azure.com", "LAKESYNC_PG_USER", "lakesync",
        "LAKESYNC_PG_PASSWORD", "pw", "EVENTHUBS_NAMESPACE", "bank-ns", "ADLS_ACCOUNT", "banklake",
        "SYNAPSE_WORKSPACE", "bank-syn", "SYNAPSE_SQL_POOL", "dwpool", "COSMOS_ACCOUNT", "bank-cosmos",
        "SEARCH_SERVICE", "bank-search");
    PipelineConfig config = new PipelineConfigLoader(env::get).load(Path.of("azure/pipeline.yaml"));

    assertThat(config.broker().type()).isEqualTo(BrokerConfig.Type.EVENTHUBS);
    assertThat(config.broker().auth()).isEqualTo(BrokerConfig.Auth.AZURE_IDENTITY);
    assertThat(config.broker().bootstrapServersString()).isEqualTo("bank-ns.servicebus.windows.net:9093");
    assertThat(config.lake().isCloud()).isTrue();
    assertThat(config.warehouse().get().type()).isEqualTo(WarehouseConfig.Type.SYNAPSE);
    assertThat(config.serving().get().sinks()).containsExactly(ServingConfig.Sink.COSMOS, ServingConfig.Sink.SEARCH);
  }

  @Test
  void azureConfigNamesEveryMissingVariable() {
    try {
      new PipelineConfigLoader(name -> null).load(Path.of("azure/pipeline.yaml"));
      throw new AssertionError("expected missing variables to be reported");
    } catch (ConfigException e) {
      assertThat(e.getMessage())
          .contains("source.host: environment variable LAKESYNC_PG_HOST is not set")
          .contains("source.password: environment variable LAKESYNC_PG_PASSWORD is not set")
          .contains("lake.root: environment variable ADLS_ACCOUNT is not set");
    }
  }
}
