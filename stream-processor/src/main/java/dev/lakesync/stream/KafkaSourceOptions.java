package dev.lakesync.stream;

import dev.lakesync.common.config.BrokerConfig;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Options of Spark's Kafka source for a pipeline: its topics, where to start, and how to authenticate. */
final class KafkaSourceOptions {
  private KafkaSourceOptions() {
  }

  static Map<String, String> from(PipelineConfig config, long maxOffsetsPerTrigger) {
    BrokerConfig broker = config.broker();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("kafka.bootstrap.servers", broker.bootstrapServersString());
    options.put("subscribe", String.join(",", topics(config)));
    options.put("startingOffsets", "earliest");
    // Data that expired from the broker before it was read is a gap: stop with an error, never skip silently.
    options.put("failOnDataLoss", "true");
    options.put("includeHeaders", "true");
    // A read of a batch's offsets can find the consumer's fetch, sent ahead at the end of the previous batch, held by
    // the broker until data arrives or this wait ends (Kafka's default is 500 ms: a stall a short batch notices).
    options.put("kafka.fetch.max.wait.ms", "100");
    if (maxOffsetsPerTrigger > 0) {
      options.put("maxOffsetsPerTrigger", String.valueOf(maxOffsetsPerTrigger));
    }
    // Event Hubs: a connection string, or tokens from the Azure identity (the login callback comes from the sinks'
    // jar, on the driver's and the executors' classpath alike).
    broker.serviceSettings().forEach((key, value) -> options.put("kafka." + key, value));
    broker.securitySettings().forEach((key, value) -> options.put("kafka." + key, value));
    for (Map.Entry<String, String> entry : broker.kafka().entrySet()) {
      options.put("kafka." + entry.getKey(), entry.getValue());
    }
    return options;
  }

  /** Every topic the configured tables are published to (one, with single-topic routing). */
  static Set<String> topics(PipelineConfig config) {
    Set<String> topics = new LinkedHashSet<>();
    for (TableConfig table : config.tables()) {
      topics.add(config.broker().topicFor(table.schema(), table.table()));
    }
    topics.add(config.broker().transactionTopic()); // its END markers tell when a source transaction is whole
    return topics;
  }
}
