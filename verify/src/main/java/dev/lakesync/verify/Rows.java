package dev.lakesync.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A table's rows by key ("id=5", "a=1,b=2"), each row its columns' values in {@link Values} form. */
final class Rows {
  final Map<String, Map<String, String>> byKey = new TreeMap<>();
  /** The source's decimal columns: the lake keeps those wider than its decimals as their exact text. */
  final java.util.Set<String> decimalColumns = new java.util.HashSet<>();
  /** The source's bit strings (longer than one bit): the lake keeps them as bytes. */
  final java.util.Set<String> bitColumns = new java.util.HashSet<>();

  static String key(List<String> keyColumns, Map<String, String> row) {
    StringBuilder key = new StringBuilder();
    for (String column : keyColumns) {
      key.append(key.length() == 0 ? "" : ",").append(column).append('=').append(row.get(column));
    }
    return key.toString();
  }

  /**
   * Adds a row under its key and returns the key. A keyless (append-only) table's rows are keyed by their whole
   * content and their occurrence ("a=1,b=x#2"), so that equal multisets of rows have equal keys.
   */
  String put(List<String> keyColumns, Map<String, String> row) {
    String key;
    if (keyColumns.isEmpty()) {
      String content = key(new java.util.ArrayList<>(new java.util.TreeSet<>(row.keySet())), row);
      int occurrence = 1;
      while (byKey.containsKey(content + "#" + occurrence)) {
        occurrence++;
      }
      key = content + "#" + occurrence;
    } else {
      key = key(keyColumns, row);
    }
    byKey.put(key, row);
    return key;
  }

  /** Both tables' keys, in order. */
  static java.util.TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
    java.util.TreeSet<String> keys = new java.util.TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
  }

  int size() {
    return byKey.size();
  }

  /** What differs between an expected and an actual row, over the columns both have; empty when they agree. */
  static String difference(Map<String, String> expected, Map<String, String> actual) {
    return difference(expected, actual, false);
  }

  /**
   * As {@link #difference(Map, Map)}, and a column of {@code expected} that {@code actual} lacks differs as well,
   * unless its value is null (a source column the lake does not have yet, named in the result).
   */
  static String differenceInEveryColumn(Map<String, String> expected, Map<String, String> actual) {
    return difference(expected, actual, true);
  }

  private static String difference(Map<String, String> expected, Map<String, String> actual, boolean everyColumn) {
    if (expected == null && actual == null) {
      return "";
    }
    if (actual == null) {
      return "missing";
    }
    if (expected == null) {
      return "extra";
    }
    Map<String, String> differences = new LinkedHashMap<>();
    for (Map.Entry<String, String> column : expected.entrySet()) {
      if (actual.containsKey(column.getKey())) {
        if (!column.getValue().equals(actual.get(column.getKey()))) {
          differences.put(column.getKey(), column.getValue() + " vs " + actual.get(column.getKey()));
        }
      } else if (everyColumn && !column.getValue().equals(Values.of(null))) {
        differences.put(column.getKey(), column.getValue() + " vs no such column");
      }
    }
    return differences.isEmpty() ? "" : differences.toString();
  }
}
