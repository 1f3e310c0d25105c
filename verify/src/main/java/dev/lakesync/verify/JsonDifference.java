package dev.lakesync.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

/**
 * The first difference between an expected document and a stored one, by path. Numbers compare by value (a store
 * may write 100.00 as 100.0); the stored document's {@code sourcePos} and a store's own top-level fields (Cosmos
 * DB's {@code _etag}, {@code _ts}...: declared names never start with an underscore) are not compared.
 */
final class JsonDifference {
  private JsonDifference() {
  }

  /** Empty when they agree, else "path: expected vs stored". */
  static String of(JsonNode expected, JsonNode stored) {
    return at("", expected, stored, true);
  }

  private static String at(String path, JsonNode expected, JsonNode stored, boolean top) {
    if (expected.isNumber() && stored.isNumber()) {
      return expected.decimalValue().compareTo(stored.decimalValue()) == 0 ? "" : differs(path, expected, stored);
    }
    if (expected.isObject() && stored.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      Iterator<Map.Entry<String, JsonNode>> fields = stored.fields();
      while (fields.hasNext()) {
        String name = fields.next().getKey();
        if (!top || !(name.startsWith("_") || name.equals("sourcePos"))) {
          names.add(name);
        }
      }
      for (String name : names) {
        String child = path.isEmpty() ? name : path + "." + name;
        if (!expected.has(name)) {
          return child + ": not expected, stored " + stored.get(name);
        }
        if (!stored.has(name)) {
          return child + ": missing, expected " + expected.get(name);
        }
        String difference = at(child, expected.get(name), stored.get(name), false);
        if (!difference.isEmpty()) {
          return difference;
        }
      }
      return "";
    }
    if (expected.isArray() && stored.isArray()) {
      if (expected.size() != stored.size()) {
        return path + ": " + expected.size() + " elements expected, " + stored.size() + " stored";
      }
      for (int i = 0; i < expected.size(); i++) {
        String difference = at(path + "[" + i + "]", expected.get(i), stored.get(i), false);
        if (!difference.isEmpty()) {
          return difference;
        }
      }
      return "";
    }
    return expected.equals(stored) ? "" : differs(path, expected, stored);
  }

  private static String differs(String path, JsonNode expected, JsonNode stored) {
    return path + ": " + expected + " vs " + stored;
  }
}
