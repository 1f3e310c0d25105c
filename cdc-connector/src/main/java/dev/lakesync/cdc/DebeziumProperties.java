package dev.lakesync.cdc;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.SourceConfig;
import dev.lakesync.common.config.TableConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Derives the Debezium embedded engine's properties from the pipeline config. Choices that decide whether values
 * arrive exactly are made here, deliberately; {@code source.debezium.*} is applied last and wins.
 */
final class DebeziumProperties {
  /** Schema of the table lakesync itself keeps in the source database (signals for ad-hoc snapshots). */
  static final String CONTROL_SCHEMA = "lakesync";
  static final String SIGNAL_TABLE = CONTROL_SCHEMA + ".signal";

  private DebeziumProperties() {
  }

  static Path offsetsFile(PipelineConfig config) {
    return config.workDir().resolve("cdc").resolve(config.name() + "-offsets.dat");
  }

  /**
   * Where offsets go as a blob: source.offsetsUrl, or with an abfss:// lake root the lake's
   * _state/cdc-connector folder of the lake layout through the account's blob endpoint; null for a local file.
   */
  static String offsetsBlobUrl(PipelineConfig config) {
    if (config.source().offsetsUrl() != null) {
      return config.source().offsetsUrl().toString();
    }
    if (!config.lake().isCloud()) {
      return null;
    }
    java.util.regex.Matcher abfss = java.util.regex.Pattern
        .compile("(?i)abfss?://([^@/]+)@([^.]+)\\.dfs\\.core\\.windows\\.net(/.*)?").matcher(config.lake().root());
    if (!abfss.matches()) {
      return null;
    }
    String path = abfss.group(3) == null ? "" : abfss.group(3);
    return "https://" + abfss.group(2) + ".blob.core.windows.net/" + abfss.group(1) + path
        + "/_state/cdc-connector/" + config.name() + "-offsets.dat";
  }

  static Path schemaHistoryFile(PipelineConfig config) {
    return config.workDir().resolve("cdc").resolve(config.name() + "-schema-history.dat");
  }

  static Properties from(PipelineConfig config) {
    SourceConfig source = config.source();
    Properties props = new Properties();
    props.setProperty("name", config.name() + "-cdc");
    props.setProperty("connector.class", source.type().connectorClass());
    props.setProperty("topic.prefix", config.broker().topicPrefix());

    // Offsets are flushed only for records the publisher has marked processed, i.e. acknowledged by the broker.
    String offsetsBlob = offsetsBlobUrl(config);
    boolean mariaDb = config.source().type() == SourceConfig.Type.MARIADB;
    if (mariaDb) {
      props.setProperty(MariaDbRestartOffsets.STRIP, "true");
    }
    if (offsetsBlob == null) {
      props.setProperty("offset.storage", mariaDb ? MariaDbRestartOffsets.FileStore.class.getName()
          : "org.apache.kafka.connect.storage.FileOffsetBackingStore");
      props.setProperty("offset.storage.file.filename", offsetsFile(config).toAbsolutePath().toString());
    } else {
      props.setProperty("offset.storage", BlobOffsetBackingStore.class.getName());
      props.setProperty(BlobOffsetBackingStore.URL, offsetsBlob);
      config.azure().ifPresent(azure -> {
        props.setProperty(BlobOffsetBackingStore.TENANT, azure.tenantId());
        props.setProperty(BlobOffsetBackingStore.CLIENT, azure.clientId());
        props.setProperty(BlobOffsetBackingStore.CLIENT_SECRET, azure.clientSecret().reveal());
      });
    }
    props.setProperty("offset.flush.interval.ms", "1000");
    props.setProperty("offset.flush.timeout.ms", "10000");

    props.setProperty("database.hostname", source.host());
    props.setProperty("database.port", String.valueOf(source.port()));
    props.setProperty("database.user", source.user());
    props.setProperty("database.password", source.password().reveal());
    props.setProperty("database.dbname", source.database());
    props.setProperty("table.include.list", String.join(",", includeList(config)));

    // Exact values: decimals as strings (no base64 bytes, no double rounding); times at microsecond precision;
    // timestamptz always arrives as an ISO-8601 string with its offset.
    props.setProperty("decimal.handling.mode", "string");
    props.setProperty("time.precision.mode", "adaptive_time_microseconds");
    // Bytes, which the JSON converter writes as base64 anyway: the base64 mode gives an unchanged TOAST bytea no
    // placeholder, only a null that cannot be told from a real one.
    props.setProperty("binary.handling.mode", "bytes");
    props.setProperty("interval.handling.mode", "string");
    // Each column's source type, length and scale ride along in the event schema (__debezium.source.column.*),
    // so that the processor creates numeric(14,2) as decimal(14,2), not as the string the value travels in.
    props.setProperty("column.propagate.source.type", ".*");
    // Deletes need no tombstone: Event Hubs does not compact and the processor reads op=d.
    props.setProperty("tombstones.on.delete", "false");
    // BEGIN/END markers and each change's transaction id and order, so a source transaction can be applied whole.
    props.setProperty("provide.transaction.metadata", "true");
    props.setProperty("snapshot.mode", "initial");
    // Debezium skips truncates by default; the processor empties the validated table on op=t, so publish them.
    props.setProperty("skipped.operations", "none");
    // Latency: the connector sleeps this long each time the replication stream has nothing new (Debezium's default is
    // 500 ms), so it bounds what a quiet moment adds to a change's way; batches stay large under load.
    props.setProperty("poll.interval.ms", "10");
    props.setProperty("max.batch.size", "4096");
    props.setProperty("max.queue.size", "16384");
    props.setProperty("heartbeat.interval.ms", "10000");
    props.setProperty("signal.enabled.channels", "source");
    // A source that restarts or fails over: the connector is started again after each connection error (10 s apart
    // by Debezium's default), for about two minutes before capture gives up.
    props.setProperty("errors.max.retries", "12");

    switch (source.type()) {
      case POSTGRESQL:
        props.setProperty("plugin.name", "pgoutput");
        // Composite types and other types Debezium does not know would be left out of every event (a dropped column);
        // included, they travel as their text's bytes, which the processor turns back into text.
        props.setProperty("include.unknown.datatypes", "true");
        props.setProperty("slot.name", source.slotName());
        props.setProperty("publication.name", source.publication());
        props.setProperty("publication.autocreate.mode", "filtered");
        // Unchanged TOAST columns arrive as this marker; the processor keeps the current value instead.
        props.setProperty("unavailable.value.placeholder", ChangeHeaders.UNCHANGED_TOAST);
        props.setProperty("signal.data.collection", SIGNAL_TABLE);
        // A logical decoding message reaches Debezium even when every captured table is idle, so the slot moves
        // forward; being non-transactional it adds no BEGIN/END markers and no row to any table.
        props.setProperty("heartbeat.action.query",
            "SELECT pg_logical_emit_message(false, 'lakesync-heartbeat', now()::text)");
        break;
      case MYSQL:
      case MARIADB:
        props.setProperty("database.server.id", String.valueOf(5400 + Math.floorMod(config.name().hashCode(), 1000)));
        props.setProperty("database.include.list", distinctSchemas(config));
        props.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        props.setProperty("schema.history.internal.file.filename", schemaHistoryFile(config).toAbsolutePath().toString());
        props.setProperty("signal.data.collection", source.database() + ".lakesync_signal");
        props.setProperty("database.connectionTimeZone", "UTC");
        break;
      case SQLSERVER:
        props.setProperty("database.names", source.database());
        props.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        props.setProperty("schema.history.internal.file.filename", schemaHistoryFile(config).toAbsolutePath().toString());
        props.setProperty("signal.data.collection", source.database() + "." + SIGNAL_TABLE);
        props.setProperty("database.encrypt", "true");
        break;
      case ORACLE:
        props.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        props.setProperty("schema.history.internal.file.filename", schemaHistoryFile(config).toAbsolutePath().toString());
        props.setProperty("signal.data.collection", source.database() + "." + SIGNAL_TABLE.toUpperCase(java.util.Locale.ROOT));
        break;
      default:
        throw new IllegalArgumentException("unsupported source type " + source.type());
    }
    props.putAll(source.debezium());
    return props;
  }

  /** The configured tables plus lakesync's signal table, which Debezium must capture to see signals. */
  static List<String> includeList(PipelineConfig config) {
    List<String> tables = new ArrayList<>();
    for (TableConfig table : config.tables()) {
      tables.add(table.qualifiedName());
    }
    if (config.source().type() == SourceConfig.Type.POSTGRESQL) {
      tables.add(SIGNAL_TABLE);
    }
    return tables;
  }

  private static String distinctSchemas(PipelineConfig config) {
    List<String> schemas = new ArrayList<>();
    for (TableConfig table : config.tables()) {
      if (!schemas.contains(table.schema())) {
        schemas.add(table.schema());
      }
    }
    return String.join(",", schemas);
  }
}
