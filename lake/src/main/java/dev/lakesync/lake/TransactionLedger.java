package dev.lakesync.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The source transactions the processor has seen part of but not all: a change counts once seen in a batch (applied,
 * superseded or quarantined), and a transaction is whole once its END marker (Debezium's per-table event counts) and
 * every change it counts have been seen. Changes are counted by their order within the transaction, so a batch read
 * again after a crash counts nothing twice, and the transactions most recently whole are remembered, so a change
 * published again after a capture restart does not open its transaction anew. Pure logic: the batch handler feeds it
 * and saves it.
 */
public final class TransactionLedger {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A transaction seen in part: its changes seen per table (their data_collection_order) and its END counts. */
  private static final class Open {
    final Map<String, Set<Long>> seen = new TreeMap<>();
    Map<String, Long> expected;
    final long firstSeenMs;

    Open(long firstSeenMs) {
      this.firstSeenMs = firstSeenMs;
    }

    boolean whole() {
      if (expected == null) {
        return false;
      }
      for (Map.Entry<String, Long> table : expected.entrySet()) {
        Set<Long> orders = seen.get(table.getKey());
        if (table.getValue() > 0 && (orders == null || orders.size() < table.getValue())) {
          return false;
        }
      }
      return true;
    }

    String describe(String id) {
      StringBuilder text = new StringBuilder(id).append(" (");
      if (expected == null) {
        text.append("no END marker yet");
      } else {
        List<String> parts = new ArrayList<>();
        expected.forEach((table, count) -> parts.add(table + " " + seen.getOrDefault(table, Set.of()).size() + "/" + count));
        text.append(String.join(", ", parts));
      }
      return text.append(")").toString();
    }
  }

  /** How many transactions that became whole (or were let go) are remembered. */
  public static final int REMEMBERED = 2000;

  private final Map<String, Open> open = new LinkedHashMap<>();
  private final java.util.LinkedHashSet<String> done = new java.util.LinkedHashSet<>();

  /** Changes of transaction {@code id} to {@code table} seen in a batch, by their order within it for that table. */
  public void seen(String id, String table, Collection<Long> orders, long nowMs) {
    if (done.contains(id)) {
      return;
    }
    open.computeIfAbsent(id, key -> new Open(nowMs)).seen.computeIfAbsent(table, key -> new TreeSet<>()).addAll(orders);
  }

  /** The END marker of transaction {@code id}: how many changes it made to each table the processor handles. */
  public void ended(String id, Map<String, Long> counts, long nowMs) {
    if (done.contains(id)) {
      return;
    }
    open.computeIfAbsent(id, key -> new Open(nowMs)).expected = new TreeMap<>(counts);
  }

  /**
   * Forgets the transactions now whole, and those open since before {@code giveUpBeforeMs} (one of their changes
   * could not be read, or their END marker never came), which it returns described, so the caller can say so.
   */
  public List<String> settle(long giveUpBeforeMs) {
    List<String> givenUp = new ArrayList<>();
    for (Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Open> entry = it.next();
      if (entry.getValue().whole()) {
        it.remove();
        remember(entry.getKey());
      } else if (entry.getValue().firstSeenMs < giveUpBeforeMs) {
        givenUp.add(entry.getValue().describe(entry.getKey()));
        it.remove();
        remember(entry.getKey());
      }
    }
    return givenUp;
  }

  private void remember(String id) {
    done.add(id);
    if (done.size() > REMEMBERED) {
      Iterator<String> oldest = done.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  public int openCount() {
    return open.size();
  }

  /** The oldest open transaction, described, or null. */
  public String oldestOpen() {
    return open.isEmpty() ? null : open.entrySet().iterator().next().getValue().describe(open.keySet().iterator().next());
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    done.forEach(root.putArray("done")::add);
    ObjectNode openNode = root.putObject("open");
    open.forEach((id, tx) -> {
      ObjectNode node = openNode.putObject(id);
      node.put("first_seen_ms", tx.firstSeenMs);
      ObjectNode seen = node.putObject("seen");
      tx.seen.forEach((table, orders) -> orders.forEach(seen.withArray(table)::add));
      if (tx.expected != null) {
        ObjectNode expected = node.putObject("expected");
        tx.expected.forEach(expected::put);
      }
    });
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TransactionLedger fromJson(String text) {
    TransactionLedger ledger = new TransactionLedger();
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a transaction ledger: " + e.getOriginalMessage(), e);
    }
    root.path("done").forEach(id -> ledger.done.add(id.asText()));
    root.path("open").fields().forEachRemaining(entry -> {
      Open tx = new Open(entry.getValue().path("first_seen_ms").asLong());
      entry.getValue().path("seen").fields().forEachRemaining(table -> {
        Set<Long> orders = new TreeSet<>();
        table.getValue().forEach(order -> orders.add(order.asLong()));
        tx.seen.put(table.getKey(), orders);
      });
      if (entry.getValue().has("expected")) {
        tx.expected = new TreeMap<>();
        Map<String, Long> expected = tx.expected;
        entry.getValue().path("expected").fields().forEachRemaining(table -> expected.put(table.getKey(), table.getValue().asLong()));
      }
      ledger.open.put(entry.getKey(), tx);
    });
    return ledger;
  }
}
