package dev.lakesync.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedStack.class)
class EmbeddedKafkaBrokerIT {

  @Test
  void roundTripsRecordsInOrderPerKey(EmbeddedStack.Servers servers) throws Exception {
    String topic = "roundtrip-" + UUID.randomUUID();
    produce(servers.kafka().bootstrapServers(), topic, 300);

    List<ConsumerRecord<String, String>> records = consume(servers.kafka().bootstrapServers(), topic, 300);

    assertThat(records).hasSize(300);
    for (String key : new String[] {"k0", "k1", "k2"}) {
      List<Integer> sequence = new ArrayList<>();
      records.stream().filter(r -> r.key().equals(key)).forEach(r -> sequence.add(Integer.parseInt(r.value())));
      assertThat(sequence).hasSize(100).isSorted();
    }
  }

  @Test
  void keepsRecordsAcrossARestart(@TempDir Path dir) throws Exception {
    int port = PortCheck.findFree();
    int controllerPort = PortCheck.findFree();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, port, controllerPort)) {
      produce(broker.bootstrapServers(), "kept", 50);
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, port, controllerPort)) {
      assertThat(consume(broker.bootstrapServers(), "kept", 50)).hasSize(50);
    }
  }

  private static void produce(String bootstrap, String topic, int count) throws Exception {
    Properties props = new Properties();
    props.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + (i % 3), String.valueOf(i))).get();
      }
    }
  }

  private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int expected) {
    Properties props = new Properties();
    props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
        "it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
