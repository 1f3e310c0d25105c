package dev.lakesync.common.config;

import dev.lakesync.common.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the pipeline YAML, read through typed getters. Every getter resolves {@code ${ENV}} references,
 * records a problem with the full key path instead of throwing, and marks its key as known, so that
 * {@link #rejectUnknownKeys()} can name every key nobody asked for. All problems are reported together.
 */
public final class ConfigNode {
  private final String path;
  private final Map<String, Object> values;
  private final List<String> problems;
  private final EnvSubstitution env;
  private final Set<String> known = new LinkedHashSet<>();

  ConfigNode(String path, Map<String, Object> values, List<String> problems, EnvSubstitution env) {
    this.path = path;
    this.values = values;
    this.problems = problems;
    this.env = env;
  }

  /** The dotted path of this mapping ("" at the root). */
  public String path() {
    return path;
  }

  public String keyPath(String key) {
    return path.isEmpty() ? key : key.isEmpty() ? path : path + "." + key;
  }

  /** Records a problem at {@code key} (relative to this node). */
  public void problem(String key, String message) {
    problems.add(keyPath(key) + ": " + message);
  }

  public boolean has(String key) {
    known.add(key);
    return values.get(key) != null;
  }

  public String requiredString(String key) {
    String value = string(key, null);
    if (value == null && !hasProblemAt(key)) {
      problem(key, "is required");
    }
    return value;
  }

  public String string(String key, String defaultValue) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return defaultValue;
    }
    if (raw instanceof Map || raw instanceof List) {
      problem(key, "expected a single value, got a " + (raw instanceof Map ? "mapping" : "list"));
      return defaultValue;
    }
    String resolved = resolve(key, String.valueOf(raw));
    return resolved == null ? defaultValue : resolved;
  }

  public Secret secret(String key) {
    String value = string(key, null);
    return value == null ? null : Secret.of(value);
  }

  public Secret requiredSecret(String key) {
    String value = requiredString(key);
    return value == null ? null : Secret.of(value);
  }

  public int integer(String key, int defaultValue, int min, int max) {
    String text = string(key, null);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        problem(key, "expected an integer from " + min + " to " + max + ", got " + value);
        return defaultValue;
      }
      return value;
    } catch (NumberFormatException e) {
      problem(key, "expected an integer from " + min + " to " + max + ", got '" + text + "'");
      return defaultValue;
    }
  }

  public int port(String key, int defaultValue) {
    return integer(key, defaultValue, 1, 65535);
  }

  public boolean bool(String key, boolean defaultValue) {
    String text = string(key, null);
    if (text == null) {
      return defaultValue;
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        problem(key, "expected true or false, got '" + text + "'");
        return defaultValue;
    }
  }

  /** A duration such as 500ms, 1s, 5m or 2h. */
  public Duration duration(String key, Duration defaultValue) {
    String text = string(key, null);
    if (text == null) {
      return defaultValue;
    }
    Optional<Duration> parsed = Durations.parse(text);
    if (parsed.isEmpty()) {
      problem(key, "expected a duration such as 500ms, 1s, 5m or 2h, got '" + text + "'");
      return defaultValue;
    }
    return parsed.get();
  }

  /** One of the enum's constants, written in the file in lower case with dashes (SINGLE_TOPIC is single-topic). */
  public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
    String text = string(key, null);
    if (text == null) {
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (configName(constant).equals(text.trim().toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    problem(key, "expected one of " + choices(type) + ", got '" + text + "'");
    return defaultValue;
  }

  public <E extends Enum<E>> E requiredChoice(String key, Class<E> type) {
    if (!has(key)) {
      problem(key, "is required (one of " + choices(type) + ")");
      return null;
    }
    return choice(key, type, null);
  }

  /** An absolute URI with one of the given schemes. */
  public URI uri(String key, Set<String> schemes, boolean required) {
    String text = required ? requiredString(key) : string(key, null);
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
        problem(key, "expected a URL starting with " + String.join("://, ", schemes) + "://, got '" + text + "'");
        return null;
      }
      if (uri.getHost() == null && uri.getAuthority() == null) {
        problem(key, "expected a URL with a host, got '" + text + "'");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problem(key, "expected a URL, got '" + text + "' (" + e.getReason() + ")");
      return null;
    }
  }

  /**
   * A service URL: https, or http only to this machine (a local emulator such as Azurite), so that keys and tokens
   * never cross a network in the clear.
   */
  public URI serviceUri(String key, boolean required) {
    URI uri = uri(key, Set.of("https", "http"), required);
    if (uri != null && uri.getScheme().equalsIgnoreCase("http") && !isLoopback(uri.getHost())) {
      problem(key, "expected an https:// URL (http:// only for an emulator on this machine), got '" + uri + "'");
      return null;
    }
    return uri;
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  public List<String> stringList(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return List.of();
    }
    List<?> items = raw instanceof List ? (List<?>) raw : List.of(raw);
    List<String> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item == null || item instanceof Map || item instanceof List) {
        problems.add(keyPath(key) + "[" + i + "]: expected a single value");
        continue;
      }
      String resolved = resolve(key + "[" + i + "]", String.valueOf(item));
      if (resolved != null) {
        result.add(resolved);
      }
    }
    return Collections.unmodifiableList(result);
  }

  /** A nested mapping, or empty when absent. */
  public Optional<ConfigNode> child(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (!(raw instanceof Map)) {
      problem(key, "expected a mapping of keys to values, got '" + raw + "'");
      return Optional.empty();
    }
    return Optional.of(new ConfigNode(keyPath(key), asMap(raw), problems, env));
  }

  public Optional<ConfigNode> requiredChild(String key) {
    Optional<ConfigNode> child = child(key);
    if (child.isEmpty() && !hasProblemAt(key)) {
      problem(key, "section is required");
    }
    return child;
  }

  /** A mapping with no keys, so that a section's defaults apply when the file leaves it out. */
  ConfigNode emptyChild(String key) {
    return new ConfigNode(keyPath(key), new LinkedHashMap<>(), problems, env);
  }

  /** A list of mappings, such as the tables. */
  public List<ConfigNode> children(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List)) {
      problem(key, "expected a list");
      return List.of();
    }
    List<?> items = (List<?>) raw;
    List<ConfigNode> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      String itemPath = keyPath(key) + "[" + i + "]";
      if (!(item instanceof Map)) {
        problems.add(itemPath + ": expected a mapping of keys to values");
        continue;
      }
      result.add(new ConfigNode(itemPath, asMap(item), problems, env));
    }
    return result;
  }

  /** A mapping of named mappings ({@code models: {dim_customer: {...}}}), in file order; empty when absent. */
  public Map<String, ConfigNode> namedChildren(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return Map.of();
    }
    if (!(raw instanceof Map)) {
      problem(key, "expected a mapping of names to mappings");
      return Map.of();
    }
    Map<String, ConfigNode> result = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : asMap(raw).entrySet()) {
      String itemPath = keyPath(key) + "." + entry.getKey();
      if (!(entry.getValue() instanceof Map)) {
        problems.add(itemPath + ": expected a mapping of keys to values");
        continue;
      }
      result.put(entry.getKey(), new ConfigNode(itemPath, asMap(entry.getValue()), problems, env));
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * Named values in file order, written either as a mapping ({@code {customer_id: id}}, name to value) or as a list
   * of names ({@code [name, email]}, each its own value); null when absent.
   */
  public Map<String, String> namedValues(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return null;
    }
    Map<String, String> result = new LinkedHashMap<>();
    if (raw instanceof Map) {
      for (Map.Entry<String, Object> entry : asMap(raw).entrySet()) {
        Object value = entry.getValue();
        if (value == null || value instanceof Map || value instanceof List) {
          problems.add(keyPath(key) + "." + entry.getKey() + ": expected a single value");
          continue;
        }
        String resolved = resolve(key + "." + entry.getKey(), String.valueOf(value));
        if (resolved != null) {
          result.put(entry.getKey(), resolved);
        }
      }
    } else {
      for (String name : stringList(key)) {
        if (result.put(name, name) != null) {
          problem(key, "'" + name + "' is listed twice");
        }
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * Named values that may nest ({@code {profile: {name: name}, id: id}}): each value is a String or, for a nested
   * mapping, another such map; in file order; null when absent.
   */
  public Map<String, Object> namedTree(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map)) {
      problem(key, "expected a mapping of names to values (or to nested mappings)");
      return null;
    }
    return tree(key, asMap(raw));
  }

  private Map<String, Object> tree(String key, Map<String, Object> raw) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : raw.entrySet()) {
      String at = key + "." + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof Map) {
        result.put(entry.getKey(), tree(at, asMap(value)));
      } else if (value == null || value instanceof List) {
        problems.add(keyPath(at) + ": expected a single value or a mapping");
      } else {
        String resolved = resolve(at, String.valueOf(value));
        if (resolved != null) {
          result.put(entry.getKey(), resolved);
        }
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * A mapping handed untouched to a library underneath (Debezium, Kafka clients, Spark). Nested keys are
   * flattened with dots, values resolved for {@code ${ENV}}; keys are not checked here, the library checks them.
   */
  public Map<String, String> passThrough(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return Map.of();
    }
    if (!(raw instanceof Map)) {
      problem(key, "expected a mapping of properties");
      return Map.of();
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten(key, "", asMap(raw), flat);
    return Collections.unmodifiableMap(flat);
  }

  /** Records one problem per key that no getter asked for, suggesting the known key it most resembles. */
  public void rejectUnknownKeys() {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        String hint = closest(key);
        problem(key, "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)")
            + "; known keys here: " + String.join(", ", known));
      }
    }
  }

  static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static <E extends Enum<E>> String choices(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(configName(constant));
    }
    return String.join(", ", names);
  }

  private void flatten(String key, String prefix, Map<String, Object> map, Map<String, String> out) {
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      String name = prefix + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof Map) {
        flatten(key, name + ".", asMap(value), out);
      } else if (value != null) {
        String resolved = resolve(key + "." + name, value instanceof List ? joinList((List<?>) value) : String.valueOf(value));
        if (resolved != null) {
          out.put(name, resolved);
        }
      }
    }
  }

  private static String joinList(List<?> items) {
    List<String> parts = new ArrayList<>();
    for (Object item : items) {
      parts.add(String.valueOf(item));
    }
    return String.join(",", parts);
  }

  private String resolve(String key, String text) {
    try {
      return env.resolve(text);
    } catch (EnvSubstitution.UnresolvedVariable e) {
      if (!env.defer(keyPath(key))) {
        problem(key, e.getMessage());
      }
      return null;
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return null;
    }
  }

  private boolean hasProblemAt(String key) {
    String prefix = keyPath(key) + ":";
    for (String problem : problems) {
      if (problem.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private String closest(String unknown) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int distance = editDistance(unknown.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static Map<String, Object> asMap(Object raw) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : ((Map<?, ?>) raw).entrySet()) {
      result.put(String.valueOf(entry.getKey()), entry.getValue());
    }
    return result;
  }
}
