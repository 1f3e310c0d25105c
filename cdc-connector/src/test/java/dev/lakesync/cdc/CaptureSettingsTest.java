package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.eventhubs.EventHubsOAuthCallbackHandler;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The Debezium and Kafka client settings derived from a pipeline config. */
class CaptureSettingsTest {
  private static final String BASE = String.join("\n",
      "name: bank",
      "workDir: /var/lib/lakesync",
      "source: {type: postgresql, host: db, database: bank, user: cdc, password: '${PG_PASSWORD}',",
      "         debezium: {snapshot.mode: never}}",
      "broker: {bootstrapServers: 'k1:9092,k2:9092'}",
      "lake: {root: /lake}",
      "tables: [{name: bank.customers, key: [id]}, {name: bank.payments, key: [id]}]",
      "");
  private static final Map<String, String> ENV = Map.of("PG_PASSWORD", "pg-s3cret",
      "EVENTHUBS_CONNECTION_STRING", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k3y=\"q\"");

  private static PipelineConfig parse(String yaml) {
    return new PipelineConfigLoader(ENV::get).parse(yaml, "test");
  }

  @Test
  void choosesExactTypeHandlingTransactionsAndHeartbeats() {
    Properties props = DebeziumProperties.from(parse(BASE));

    assertThat(props.getProperty("connector.class")).isEqualTo("io.debezium.connector.postgresql.PostgresConnector");
    assertThat(props.getProperty("plugin.name")).isEqualTo("pgoutput");
    assertThat(props.getProperty("decimal.handling.mode")).isEqualTo("string");
    assertThat(props.getProperty("time.precision.mode")).isEqualTo("adaptive_time_microseconds");
    assertThat(props.getProperty("provide.transaction.metadata")).isEqualTo("true");
    assertThat(props.getProperty("column.propagate.source.type")).isEqualTo(".*");
    assertThat(props.getProperty("tombstones.on.delete")).isEqualTo("false");
    assertThat(props.getProperty("heartbeat.action.query")).contains("pg_logical_emit_message");
    assertThat(props.getProperty("unavailable.value.placeholder")).isEqualTo(ChangeHeaders.UNCHANGED_TOAST);
    assertThat(props.getProperty("table.include.list")).isEqualTo("bank.customers,bank.payments,lakesync.signal");
    assertThat(props.getProperty("signal.data.collection")).isEqualTo("lakesync.signal");
    assertThat(props.getProperty("offset.storage.file.filename")).isEqualTo("/var/lib/lakesync/cdc/bank-offsets.dat");
    assertThat(props.getProperty("database.password")).isEqualTo("pg-s3cret");
  }

  @Test
  void letsRawDebeziumPropertiesWin() {
    assertThat(DebeziumProperties.from(parse(BASE)).getProperty("snapshot.mode")).isEqualTo("never");
  }

  @Test
  void keepsSchemaHistoryInAFileForMySql() {
    Properties props = DebeziumProperties.from(parse(BASE.replace("type: postgresql", "type: mysql")));

    assertThat(props.getProperty("connector.class")).isEqualTo("io.debezium.connector.mysql.MySqlConnector");
    assertThat(props.getProperty("schema.history.internal")).isEqualTo("io.debezium.storage.file.history.FileSchemaHistory");
    assertThat(props.getProperty("schema.history.internal.file.filename")).isEqualTo("/var/lib/lakesync/cdc/bank-schema-history.dat");
    assertThat(props.getProperty("database.include.list")).isEqualTo("bank");
    assertThat(props.getProperty("table.include.list")).isEqualTo("bank.customers,bank.payments");
  }

  @Test
  void producesDurablyToKafka() {
    Properties props = ProducerSettings.from(parse(BASE).broker(), "bank-cdc");

    assertThat(props).containsEntry("bootstrap.servers", "k1:9092,k2:9092").containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true").containsEntry("compression.type", "lz4");
    assertThat(props).doesNotContainKey("security.protocol");
  }

  @Test
  void authenticatesToEventHubsWithAConnectionString() {
    String yaml = BASE.replace("broker: {bootstrapServers: 'k1:9092,k2:9092'}",
        "broker: {type: eventhubs, bootstrapServers: 'ns.servicebus.windows.net:9093', auth: connection-string,"
            + " connectionString: '${EVENTHUBS_CONNECTION_STRING}'}");
    PipelineConfig config = parse(yaml);
    Properties props = ProducerSettings.from(config.broker(), "bank-cdc");

    assertThat(props).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("compression.type", "gzip");
    // Microsoft's recommended configurations for Kafka clients of Event Hubs (idle < 240 s, request timeout 60 s).
    assertThat(props).containsEntry("connections.max.idle.ms", "180000").containsEntry("metadata.max.age.ms", "180000")
        .containsEntry("request.timeout.ms", "60000").containsEntry("max.request.size", "1000000");
    new org.apache.kafka.clients.producer.ProducerConfig(props); // the client accepts them together
    assertThat(props.getProperty("sasl.jaas.config")).isEqualTo(
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" "
            + "password=\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=k3y=\\\"q\\\"\";");
    assertThat(config.broker().toString()).doesNotContain("k3y");
  }

  @Test
  void warnsWhenThePostgresServerCertificateIsNotVerified() {
    assertThat(PostgresSourceCheck.tlsWarning(parse(BASE).source())).isEqualTo("capture: warning: the connection to "
        + "PostgreSQL at db:5432/bank does not verify the server's certificate (source.debezium database.sslmode: not "
        + "set); set it to verify-full with database.sslrootcert naming the server's root certificates");
    assertThat(PostgresSourceCheck.tlsWarning(parse(BASE.replace("snapshot.mode: never", "database.sslmode: require"))
        .source())).contains("database.sslmode: require)");
    assertThat(PostgresSourceCheck.tlsWarning(parse(BASE.replace("snapshot.mode: never", "database.sslmode: verify-full"))
        .source())).isNull();
    assertThat(PostgresSourceCheck.tlsWarning(parse(BASE.replace("host: db", "host: 127.0.0.1")).source()))
        .as("this machine").isNull();
  }

  @Test
  void theKafkaClientIsAVersionEventHubsSupports() {
    // Microsoft's guide: Event Hubs' Kafka endpoint supports Apache Kafka clients 1.0 and later.
    String version = org.apache.kafka.common.utils.AppInfoParser.getVersion();
    assertThat(Integer.parseInt(version.substring(0, version.indexOf('.')))).as(version).isGreaterThanOrEqualTo(1);
  }

  @Test
  void authenticatesToEventHubsWithAnAzureIdentity() {
    String yaml = BASE.replace("broker: {bootstrapServers: 'k1:9092,k2:9092'}",
        "broker: {type: eventhubs, bootstrapServers: 'ns.servicebus.windows.net:9093'}");
    Properties props = ProducerSettings.from(parse(yaml).broker(), "bank-cdc");

    assertThat(props).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "OAUTHBEARER")
        .containsEntry("sasl.login.callback.handler.class", EventHubsOAuthCallbackHandler.class.getName());
    assertThat(props.getProperty("sasl.jaas.config"))
        .isEqualTo("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
  }

  @Test
  void letsRawKafkaPropertiesWin() {
    String yaml = BASE.replace("broker: {bootstrapServers: 'k1:9092,k2:9092'}",
        "broker: {bootstrapServers: 'k1:9092', kafka: {linger.ms: 50, enable.idempotence: false}}");
    Properties props = ProducerSettings.from(parse(yaml).broker(), "bank-cdc");

    assertThat(props).containsEntry("linger.ms", "50").containsEntry("enable.idempotence", "false");
  }

  @Test
  void keepsOffsetsInALocalFileForALocalLake() {
    assertThat(DebeziumProperties.from(parse(BASE)).getProperty("offset.storage"))
        .isEqualTo("org.apache.kafka.connect.storage.FileOffsetBackingStore");
  }

  @Test
  void keepsOffsetsAsABlobInTheLakesStateFolderForAnAdlsLake() {
    Properties props = DebeziumProperties.from(parse(BASE.replace("root: /lake", "root: 'abfss://lake@acct.dfs.core.windows.net/prod'")));

    assertThat(props.getProperty("offset.storage")).isEqualTo(BlobOffsetBackingStore.class.getName());
    assertThat(props.getProperty(BlobOffsetBackingStore.URL))
        .isEqualTo("https://acct.blob.core.windows.net/lake/prod/_state/cdc-connector/bank-offsets.dat");
    assertThat(props).doesNotContainKey("offset.storage.file.filename");
  }

  @Test
  void usesAnExplicitOffsetsBlob() {
    Properties props = DebeziumProperties.from(parse(BASE.replace("password: '${PG_PASSWORD}',",
        "password: '${PG_PASSWORD}', offsetsUrl: 'https://a.blob.core.windows.net/c/offsets.dat',")));

    assertThat(props.getProperty(BlobOffsetBackingStore.URL)).isEqualTo("https://a.blob.core.windows.net/c/offsets.dat");
  }

  @Test
  void roundTripsOffsetsThroughTheBlobFormat() {
    java.util.Map<java.nio.ByteBuffer, java.nio.ByteBuffer> offsets = new java.util.HashMap<>();
    offsets.put(java.nio.ByteBuffer.wrap("[\"bank-cdc\",{\"server\":\"bank\"}]".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        java.nio.ByteBuffer.wrap("{\"lsn\":42}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    offsets.put(java.nio.ByteBuffer.wrap(new byte[] {1, 2}), null);

    assertThat(BlobOffsetBackingStore.decode(BlobOffsetBackingStore.encode(offsets))).isEqualTo(offsets);
  }
}
