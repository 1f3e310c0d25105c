package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSourceOptionsTest {
  @TempDir
  Path dir;

  private PipelineConfig config(String brokerExtra) throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "name: t",
        "source: {type: postgresql, host: 127.0.0.1, port: 5432, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9092', topicPrefix: bank" + brokerExtra + "}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}]",
        ""), StandardCharsets.UTF_8);
    return new PipelineConfigLoader(name -> null).load(file);
  }

  @Test
  void readsEveryTableTopicAndStopsOnDataLossWithAShortFetchWait() throws Exception {
    Map<String, String> options = KafkaSourceOptions.from(config(""), 0);
    assertThat(options.get("subscribe")).isEqualTo("bank.bank.customers,bank.bank.accounts");
    assertThat(options).containsEntry("failOnDataLoss", "true").containsEntry("kafka.fetch.max.wait.ms", "100")
        .doesNotContainKey("maxOffsetsPerTrigger");
    assertThat(KafkaSourceOptions.from(config(""), 5000)).containsEntry("maxOffsetsPerTrigger", "5000");
  }

  @Test
  void theConfiguredKafkaPropertiesComeLast() throws Exception {
    Map<String, String> options = KafkaSourceOptions.from(config(", kafka: {fetch.max.wait.ms: 20}"), 0);
    assertThat(options).containsEntry("kafka.fetch.max.wait.ms", "20");
  }
}
