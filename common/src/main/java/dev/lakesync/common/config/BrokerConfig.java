package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Broker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kafka-protocol buffer between capture and processing: a Kafka broker or an Event Hubs namespace. */
public final class BrokerConfig {
  /** Which service speaks Kafka to us. */
  public enum Type { KAFKA, EVENTHUBS }

  /** One topic per table, or one routed topic for all (Event Hubs namespaces cap the number of event hubs). */
  public enum TopicRouting { PER_TABLE, SINGLE_TOPIC }

  /** How clients authenticate. */
  public enum Auth { NONE, CONNECTION_STRING, AZURE_IDENTITY }

  /**
   * The Kafka login callback that gets Event Hubs tokens from an Azure identity (module eventhubs-auth; the Spark jobs
   * load it from eventhubs-auth-spark's jar). Named here, not imported, so that this module needs neither Kafka nor Azure.
   */
  private static final String EVENTHUBS_OAUTH_HANDLER = "dev.lakesync.eventhubs.EventHubsOAuthCallbackHandler";

  private final Type type;
  private final List<String> bootstrapServers;
  private final String topicPrefix;
  private final TopicRouting topicRouting;
  private final String routedTopic;
  private final Auth auth;
  private final Secret connectionString;
  private final int partitions;
  private final Map<String, String> kafka;

  private final AzureConfig azure;

  private BrokerConfig(ConfigNode node, AzureConfig azure) {
    this.azure = azure;
    this.type = node.get(Broker.TYPE);
    String servers = node.get(Broker.BOOTSTRAP_SERVERS);
    this.bootstrapServers = servers == null || !validServers(servers) ? List.of() : parseServers(servers);
    this.topicPrefix = node.get(Broker.TOPIC_PREFIX);
    this.topicRouting = node.get(Broker.TOPIC_ROUTING);
    this.routedTopic = node.get(Broker.ROUTED_TOPIC, topicPrefix + ".changes");
    this.auth = node.get(Broker.AUTH, type == Type.EVENTHUBS ? Auth.AZURE_IDENTITY : Auth.NONE);
    this.connectionString = node.get(Broker.CONNECTION_STRING);
    this.partitions = node.get(Broker.PARTITIONS);
    this.kafka = node.get(Broker.KAFKA);
    if (auth == Auth.CONNECTION_STRING && connectionString == null) {
      node.problem("connectionString", "is required when auth is connection-string (use ${EVENTHUBS_CONNECTION_STRING})");
    }
    if (type == Type.KAFKA && auth != Auth.NONE) {
      node.problem("auth", "only 'none' is built in for type kafka; pass SASL settings under kafka.*");
    }
    node.rejectUnknownKeys();
  }

  static BrokerConfig from(ConfigNode node, AzureConfig azure) {
    return new BrokerConfig(node, azure);
  }

  /** host:port[,host:port...], each port from 1 to 65535. */
  static boolean validServers(String text) {
    for (String part : text.split(",", -1)) {
      String server = part.trim();
      int colon = server.lastIndexOf(':');
      boolean valid = colon > 0 && server.substring(colon + 1).matches("\\d{1,5}")
          && Integer.parseInt(server.substring(colon + 1)) > 0 && Integer.parseInt(server.substring(colon + 1)) < 65536;
      if (!valid) {
        return false;
      }
    }
    return true;
  }

  private static List<String> parseServers(String text) {
    List<String> servers = new ArrayList<>();
    for (String part : text.split(",")) {
      servers.add(part.trim());
    }
    return List.copyOf(servers);
  }

  public Type type() {
    return type;
  }

  public List<String> bootstrapServers() {
    return bootstrapServers;
  }

  public String bootstrapServersString() {
    return String.join(",", bootstrapServers);
  }

  public String topicPrefix() {
    return topicPrefix;
  }

  public TopicRouting topicRouting() {
    return topicRouting;
  }

  /** The topic a change of {@code schema.table} goes to. */
  public String topicFor(String schema, String table) {
    return topicRouting == TopicRouting.SINGLE_TOPIC ? routedTopic : topicPrefix + "." + schema + "." + table;
  }

  public String routedTopic() {
    return routedTopic;
  }

  public Auth auth() {
    return auth;
  }

  /** The Event Hubs connection string, when auth is connection-string. */
  public Secret connectionString() {
    return connectionString;
  }

  /** Partitions of the topics lakesync creates (Kafka only; event hubs are created by the deployment). */
  public int partitions() {
    return partitions;
  }

  /** The topic for transaction BEGIN/END markers. */
  public String transactionTopic() {
    return topicRouting == TopicRouting.SINGLE_TOPIC ? routedTopic : topicPrefix + ".transaction";
  }

  /**
   * The Kafka client settings that authenticate as {@link #auth()} says, for producers, consumers and admin clients
   * alike (Spark's Kafka source wants each with a {@code kafka.} prefix): SASL PLAIN with the connection string, or
   * SASL OAUTHBEARER with tokens from an Azure identity; none for {@code none}. The PLAIN settings hold the secret:
   * never log them.
   */
  public Map<String, String> securitySettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    switch (auth) {
      case CONNECTION_STRING:
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"$ConnectionString\" password=\"" + escapeJaas(connectionString.reveal()) + "\";");
        break;
      case AZURE_IDENTITY:
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "OAUTHBEARER");
        // With a service principal its login travels in the JAAS options, which Kafka logs as [hidden].
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
            + (azure == null ? "" : " tenantId=\"" + escapeJaas(azure.tenantId()) + "\" clientId=\""
                + escapeJaas(azure.clientId()) + "\" clientSecret=\"" + escapeJaas(azure.clientSecret().reveal()) + "\"")
            + ";");
        settings.put("sasl.login.callback.handler.class", EVENTHUBS_OAUTH_HANDLER);
        break;
      default:
        break;
    }
    return settings;
  }

  /**
   * Client settings Microsoft's Kafka configuration guide for Event Hubs asks of producers and consumers: Azure
   * closes a connection idle for 240 s, so the client must close it first and refresh its metadata as often; requests
   * wait up to 60 s (Event Hubs may take 20 s internally; the guide's value with idempotence). None for Kafka. For
   * producers, consumers and admin clients alike (Spark's Kafka source wants each with a {@code kafka.} prefix);
   * {@link #kafka()} overrides them.
   */
  public Map<String, String> serviceSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (type == Type.EVENTHUBS) {
      settings.put("connections.max.idle.ms", "180000");
      settings.put("metadata.max.age.ms", "180000");
      settings.put("request.timeout.ms", "60000");
    }
    return settings;
  }

  private static String escapeJaas(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Raw Kafka client properties, applied last. */
  public Map<String, String> kafka() {
    return kafka;
  }

  @Override
  public String toString() {
    return "BrokerConfig{type=" + type + ", bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix
        + ", topicRouting=" + topicRouting + ", auth=" + auth + ", connectionString="
        + (connectionString == null ? "none" : connectionString) + ", kafka=" + kafka.keySet() + "}";
  }
}
