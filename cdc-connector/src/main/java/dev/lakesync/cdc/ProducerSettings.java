package dev.lakesync.cdc;

import dev.lakesync.common.config.BrokerConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Kafka producer settings for a broker config: durable (acks=all, idempotent) and, for Event Hubs, authenticated. */
final class ProducerSettings {
  private ProducerSettings() {
  }

  static Properties from(BrokerConfig broker, String clientId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServersString());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // No loss: every replica has the record before the ack; retries cannot duplicate or reorder within a partition.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    props.putAll(broker.serviceSettings());
    props.putAll(broker.securitySettings());
    if (broker.type() == BrokerConfig.Type.KAFKA) {
      props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    } else {
      // Event Hubs limits a request to 1 MB and supports gzip compression only.
      props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1_000_000));
      props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
    }
    props.putAll(broker.kafka());
    return props;
  }

  /** The largest request the producer sends (Kafka's default 1 MB unless the settings say otherwise). */
  static int maxRequestSize(Properties settings) {
    Object value = settings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    return value == null ? 1_048_576 : Integer.parseInt(value.toString().trim());
  }
}
