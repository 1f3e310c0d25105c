package dev.lakesync.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.TableConfig;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A source transaction's END marker as Debezium sends it: its id and how many changes it made to each table. */
final class TransactionMarker {
  private static final ObjectMapper JSON = new ObjectMapper();

  final String id;
  /** Changes by table (schema.table), only the configured tables'. */
  final Map<String, Long> counts;

  private TransactionMarker(String id, Map<String, Long> counts) {
    this.id = id;
    this.counts = counts;
  }

  /**
   * The transaction a Debezium transaction id names: Debezium's PostgreSQL connector gives each event and marker
   * {@code xid:lsn} with its own LSN, so there the xid alone names the transaction; other connectors' ids are whole
   * (a MySQL GTID has a colon of its own).
   */
  static String transactionOf(String id, boolean postgres) {
    int colon = id.indexOf(':');
    return postgres && colon > 0 ? id.substring(0, colon) : id;
  }

  /** The END marker in {@code payload} (the envelope's payload JSON), or empty when it is not one. */
  static Optional<TransactionMarker> end(String payload, List<TableConfig> tables, boolean postgres) {
    if (payload == null) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (!"END".equals(root.path("status").asText()) || !root.path("id").isTextual()) {
      return Optional.empty();
    }
    Set<String> configured = new HashSet<>();
    tables.forEach(table -> configured.add(table.qualifiedName()));
    Map<String, Long> counts = new LinkedHashMap<>();
    for (JsonNode collection : root.path("data_collections")) {
      String table = collection.path("data_collection").asText();
      if (configured.contains(table)) {
        counts.merge(table, collection.path("event_count").asLong(), Long::sum);
      }
    }
    return Optional.of(new TransactionMarker(transactionOf(root.path("id").asText(), postgres), counts));
  }
}
