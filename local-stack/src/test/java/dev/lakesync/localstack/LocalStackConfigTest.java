package dev.lakesync.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.config.ConfigException;
import dev.lakesync.common.config.ConfigOptions;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import org.junit.jupiter.api.Test;

class LocalStackConfigTest {
  private static final String PIPELINE = String.join("\n",
      "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
      "broker: {bootstrapServers: '127.0.0.1:9092'}",
      "lake: {root: /tmp/lake}",
      "tables: [{name: bank.customers, key: [id]}]", "");

  private static LocalStackConfig settings(String yaml) {
    return new PipelineConfigLoader(name -> null).parseSection(yaml, "t.yaml", ConfigOptions.Root.LOCAL_STACK,
        LocalStackConfig::new);
  }

  @Test
  void withoutTheSectionItsDefaultsApplyAndTheControllerSitsNextToTheBroker() {
    PipelineConfig config = new PipelineConfigLoader(name -> null).parse(PIPELINE, "t.yaml");
    LocalStackConfig settings = settings(PIPELINE);

    assertThat(settings.kafkaControllerPort(config)).isEqualTo(9093);
    assertThat(settings.seed()).isEqualTo(LocalStackConfig.SEED_BANK);
    assertThat(settings.customers()).isEqualTo(1000);
  }

  @Test
  void theStagesLeaveTheSectionAloneAndTheStackReportsEveryProblemInIt() {
    String yaml = PIPELINE + "localStack: {kafkaControllerPort: 19999, customers: many, seed: data.csv, surprise: 1}\n";

    assertThat(new PipelineConfigLoader(name -> null).parse(yaml, "t.yaml").tables()).hasSize(1);
    assertThatThrownBy(() -> settings(yaml)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("localStack.customers: expected an integer from 1 to 10000000, got 'many'")
        .hasMessageContaining("localStack.seed: expected bank, none or the path of a .sql file, got 'data.csv'")
        .hasMessageContaining("localStack.surprise: unknown key");
  }

  @Test
  void aConfiguredControllerPortIsKept() {
    PipelineConfig config = new PipelineConfigLoader(name -> null).parse(PIPELINE, "t.yaml");

    assertThat(settings(PIPELINE + "localStack: {kafkaControllerPort: 19999}\n").kafkaControllerPort(config))
        .isEqualTo(19999);
  }
}
