package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.LocalSpark;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's Kafka source against a real Event Hubs namespace with an Azure identity, when configured:
 * LAKESYNC_EVENTHUBS_NAMESPACE (the namespace's name) and LAKESYNC_EVENTHUBS_TOPIC (an existing event hub). The
 * identity DefaultAzureCredential finds (environment, workload or managed identity, Azure CLI) needs Azure Event Hubs
 * Data Sender and Data Receiver on it. Sends one record with the SASL settings capture uses
 * ({@code BrokerConfig.securitySettings}), reads it back with the processor's options in a Spark batch read.
 */
class EventHubsLiveIT {
  @TempDir
  Path dir;

  @Test
  void readsWhatWasSentWithAnAzureIdentity() throws Exception {
    String namespace = System.getenv("LAKESYNC_EVENTHUBS_NAMESPACE");
    String topic = System.getenv("LAKESYNC_EVENTHUBS_TOPIC");
    boolean configured = namespace != null && !namespace.isBlank() && topic != null && !topic.isBlank();
    if (!configured) {
      System.out.println("EventHubsLiveIT skipped: LAKESYNC_EVENTHUBS_NAMESPACE and LAKESYNC_EVENTHUBS_TOPIC are not "
          + "both set (no live namespace to test against)");
    }
    Assumptions.assumeTrue(configured, "LAKESYNC_EVENTHUBS_NAMESPACE / LAKESYNC_EVENTHUBS_TOPIC not set: live test skipped");
    String bootstrap = namespace + ".servicebus.windows.net:9093";
    PipelineConfig config = new PipelineConfigLoader(name -> null).parse(String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {type: eventhubs, bootstrapServers: '" + bootstrap + "', topicRouting: single-topic, routedTopic: '"
            + topic + "'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]", ""), "live.yaml");

    String marker = "lakesync-live-" + UUID.randomUUID();
    Properties producer = new Properties();
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer.putAll(config.broker().securitySettings());
    try (KafkaProducer<String, String> sender = new KafkaProducer<>(producer)) {
      sender.send(new ProducerRecord<>(topic, marker, marker)).get(60, TimeUnit.SECONDS);
    }

    SparkSession spark = LocalSpark.start(dir.resolve("lake"), "eventhubs-live-it");
    try {
      Map<String, String> options = KafkaSourceOptions.from(config, 0);
      options.put("endingOffsets", "latest");
      long found = spark.read().format("kafka").options(options).load()
          .where(col("key").cast("string").equalTo(marker)).count();
      assertThat(found).isEqualTo(1);
    } finally {
      spark.stop();
    }
  }
}
