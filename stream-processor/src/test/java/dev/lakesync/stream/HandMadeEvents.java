package dev.lakesync.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Debezium events and transaction markers in the shape cdc-connector publishes (JSON with its schema), made by hand
 * for what a live database does not produce on cue, such as a transaction's changes arriving in two batches.
 */
public final class HandMadeEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HandMadeEvents() {
  }

  /**
   * A PostgreSQL change of a row ({@code row}: column to value, in order; {@code types}: column to Kafka Connect
   * type, e.g. int64, string, double) at log position {@code lsn}, as change {@code order} of transaction {@code tx}
   * to its table (no transaction block when {@code tx} is null).
   */
  public static String change(String op, Map<String, Object> row, Map<String, String> types, String tx, long order,
      long lsn) {
    return event(op, row, types, tx, order, lsn, null);
  }

  /**
   * A PostgreSQL snapshot read of a row at the snapshot's position {@code lsn}; {@code snapshot} is Debezium's
   * source.snapshot: "first", "true", "last_in_data_collection" (a table's last row) or "last".
   */
  public static String snapshotRead(Map<String, Object> row, Map<String, String> types, long lsn, String snapshot) {
    return event("r", row, types, null, 0, lsn, snapshot);
  }

  private static String event(String op, Map<String, Object> row, Map<String, String> types, String tx, long order,
      long lsn, String snapshot) {
    ObjectNode image = JSON.createObjectNode();
    image.put("type", "struct").put("optional", true);
    ArrayNode columns = image.putArray("fields");
    types.forEach((name, type) -> columns.addObject().put("type", type).put("optional", !name.equals("id")).put("field", name));
    ObjectNode schema = JSON.createObjectNode().put("type", "struct");
    ArrayNode fields = schema.putArray("fields");
    fields.add(image.deepCopy().put("field", "before"));
    fields.add(image.deepCopy().put("field", "after"));
    fields.addObject().put("type", "string").put("optional", false).put("field", "op");
    fields.addObject().put("type", "struct").put("optional", false).put("field", "source").putArray("fields");
    ObjectNode payload = JSON.createObjectNode();
    payload.set("before", op.equals("d") ? JSON.valueToTree(Map.of("id", row.get("id"))) : null);
    payload.set("after", op.equals("d") ? null : JSON.valueToTree(row));
    payload.put("op", op);
    ObjectNode source = payload.putObject("source").put("connector", "postgresql").put("ts_ms", 1795544234036L)
        .put("lsn", lsn);
    if (snapshot == null) {
      source.put("sequence", "[\"" + lsn + "\",\"" + lsn + "\"]");
    } else {
      source.put("snapshot", snapshot).put("sequence", "[null,\"" + lsn + "\"]");
    }
    if (tx != null) {
      // As Debezium's PostgreSQL connector: the xid, then the event's own LSN.
      payload.putObject("transaction").put("id", tx + ":" + lsn).put("total_order", order)
          .put("data_collection_order", order);
    }
    ObjectNode event = JSON.createObjectNode();
    event.set("schema", schema);
    event.set("payload", payload);
    return event.toString();
  }

  /** Transaction {@code tx}'s END marker: its change count per table (schema.table). */
  public static String end(String tx, Map<String, Integer> counts) {
    ObjectNode payload = JSON.createObjectNode().put("status", "END").put("id", tx + ":999999")
        .put("event_count", counts.values().stream().mapToInt(Integer::intValue).sum());
    ArrayNode collections = payload.putArray("data_collections");
    new java.util.TreeMap<>(counts).forEach((table, count) ->
        collections.addObject().put("data_collection", table).put("event_count", count));
    payload.put("ts_ms", 1795544234036L);
    ObjectNode marker = JSON.createObjectNode();
    marker.putObject("schema").put("type", "struct").putArray("fields");
    marker.set("payload", payload);
    return marker.toString();
  }

  /** Publishes {@code event} (a change) to {@code table}'s topic, keyed by its id, as cdc-connector does. */
  public static void send(SparkStack world, String schema, String table, long id, String op, String event)
      throws Exception {
    world.produce(world.config.broker().topicFor(schema, table), schema + "." + table, "{\"id\":" + id + "}", event,
        Map.of("lakesync.op", op));
  }

  /** Publishes an END marker to the transaction topic. */
  public static void sendEnd(SparkStack world, String tx, Map<String, Integer> counts) throws Exception {
    world.produce(world.config.broker().transactionTopic(), "_transaction", null, end(tx, counts),
        Map.of("lakesync.op", "END"));
  }
}
