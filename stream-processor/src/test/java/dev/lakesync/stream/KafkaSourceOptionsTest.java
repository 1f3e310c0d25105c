package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSourceOptionsTest {
  @TempDir
  Path dir;

  private PipelineConfig config(String brokerExtra) throws Exception {
    return config("bootstrapServers: '127.0.0.1:9092'", brokerExtra, name -> null);
  }

  private PipelineConfig config(String broker, String brokerExtra, Function<String, String> environment) throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "name: t",
        "source: {type: postgresql, host: 127.0.0.1, port: 5432, database: bank, user: postgres, password: x}",
        "broker: {" + broker + ", topicPrefix: bank" + brokerExtra + "}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}]",
        ""), StandardCharsets.UTF_8);
    return new PipelineConfigLoader(environment).load(file);
  }

  @Test
  void readsEveryTableTopicAndTheTransactionMarkersAndStopsOnDataLossWithAShortFetchWait() throws Exception {
    Map<String, String> options = KafkaSourceOptions.from(config(""), 0);
    assertThat(options.get("subscribe")).isEqualTo("bank.bank.customers,bank.bank.accounts,bank.transaction");
    assertThat(options).containsEntry("failOnDataLoss", "true").containsEntry("kafka.fetch.max.wait.ms", "100")
        .doesNotContainKey("maxOffsetsPerTrigger").as("Event Hubs' settings are for Event Hubs only")
        .doesNotContainKey("kafka.connections.max.idle.ms");
    assertThat(KafkaSourceOptions.from(config(""), 5000)).containsEntry("maxOffsetsPerTrigger", "5000");
  }

  @Test
  void theConfiguredKafkaPropertiesComeLast() throws Exception {
    Map<String, String> options = KafkaSourceOptions.from(config(", kafka: {fetch.max.wait.ms: 20}"), 0);
    assertThat(options).containsEntry("kafka.fetch.max.wait.ms", "20");
  }

  @Test
  void logsInToEventHubsWithAnAzureIdentity() throws Exception {
    Map<String, String> options = KafkaSourceOptions.from(
        config("type: eventhubs, bootstrapServers: 'ns.servicebus.windows.net:9093'", "", name -> null), 0);
    assertThat(options).containsEntry("kafka.security.protocol", "SASL_SSL")
        .containsEntry("kafka.sasl.mechanism", "OAUTHBEARER")
        .containsEntry("kafka.sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;")
        .containsEntry("kafka.sasl.login.callback.handler.class", "dev.lakesync.eventhubs.EventHubsOAuthCallbackHandler");
  }

  @Test
  void logsInToEventHubsWithAConnectionStringFromTheEnvironment() throws Exception {
    PipelineConfig config = config("type: eventhubs, bootstrapServers: 'ns.servicebus.windows.net:9093'",
        ", auth: connection-string, connectionString: '${EH}'", name -> name.equals("EH")
            ? "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=k3y=\"q\"" : null);

    Map<String, String> options = KafkaSourceOptions.from(config, 0);
    assertThat(options).containsEntry("kafka.sasl.mechanism", "PLAIN").containsEntry("kafka.security.protocol", "SASL_SSL");
    // Microsoft's recommended configurations for Kafka clients of Event Hubs.
    assertThat(options).containsEntry("kafka.connections.max.idle.ms", "180000")
        .containsEntry("kafka.metadata.max.age.ms", "180000").containsEntry("kafka.request.timeout.ms", "60000");
    assertThat(options.get("kafka.sasl.jaas.config")).isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule "
        + "required username=\"$ConnectionString\" password=\"Endpoint=sb://ns.servicebus.windows.net/;"
        + "SharedAccessKeyName=listen;SharedAccessKey=k3y=\\\"q\\\"\";");
    assertThat(config.broker().toString()).doesNotContain("k3y");
  }
}
