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
 * One mapping of the pipeline YAML, read option by option: {@link #get} takes only an option its section declares in
 * {@link ConfigOptions}, resolves {@code ${ENV}} references, records a problem with the full key path instead of
 * throwing, and marks the key as known, so that {@link #rejectUnknownKeys()} can name every key nobody asked for.
 * All problems are reported together.
 */
public final class ConfigNode {
  private final String path;
  private final Map<String, Object> values;
  private final List<String> problems;
  private final EnvSubstitution env;
  private final Set<String> known = new LinkedHashSet<>();
  private final ConfigSection section;

  ConfigNode(String path, Map<String, Object> values, List<String> problems, EnvSubstitution env, ConfigSection section) {
    this.section = section;
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

  /** Whether the option's key is set in the file. */
  public boolean has(ConfigOption<?> option) {
    declared(option);
    known.add(option.key());
    return values.get(option.key()) != null;
  }

  /** The option's value, or its declared default when the key is absent or its value is not valid. */
  public <T> T get(ConfigOption<T> option) {
    return get(option, option.defaultValue());
  }

  /** The option's value, or this default (one that depends on other keys) when absent or not valid. */
  public <T> T get(ConfigOption<T> option, T defaultValue) {
    declared(option);
    T value = option.read(this);
    if (ConfigOption.absent(value) && option.isRequired() && !hasProblemAt(option.key())) {
      problem(option.key(), option.missing());
    }
    String invalid = value == null ? null : option.invalid(value);
    if (invalid != null) {
      problem(option.key(), invalid);
    }
    return value == null ? defaultValue : value;
  }

  /** The option's section, or an empty one when the file leaves it out, so that its defaults apply. */
  public ConfigNode getOrEmpty(ConfigOption<Optional<ConfigNode>> option) {
    return get(option).orElseGet(() -> new ConfigNode(keyPath(option.key()), new LinkedHashMap<>(), problems, env,
        option.opens()));
  }

  private void declared(ConfigOption<?> option) {
    if (!section.declares(option)) {
      throw new IllegalArgumentException("'" + option.key() + "' is not declared for " + section.title()
          + " in ConfigOptions");
    }
  }

  String readString(String key) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return null;
    }
    if (raw instanceof Map || raw instanceof List) {
      problem(key, "expected a single value, got a " + (raw instanceof Map ? "mapping" : "list"));
      return null;
    }
    return resolve(key, String.valueOf(raw));
  }

  Integer readInteger(String key, int min, int max) {
    String text = readString(key);
    if (text == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        problem(key, "expected an integer from " + min + " to " + max + ", got " + value);
        return null;
      }
      return value;
    } catch (NumberFormatException e) {
      problem(key, "expected an integer from " + min + " to " + max + ", got '" + text + "'");
      return null;
    }
  }

  Boolean readBoolean(String key) {
    String text = readString(key);
    if (text == null) {
      return null;
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        problem(key, "expected true or false, got '" + text + "'");
        return null;
    }
  }

  /** A duration such as 500ms, 1s, 5m or 2h. */
  Duration readDuration(String key) {
    String text = readString(key);
    if (text == null) {
      return null;
    }
    Optional<Duration> parsed = Durations.parse(text);
    if (parsed.isEmpty()) {
      problem(key, "expected a duration such as 500ms, 1s, 5m or 2h, got '" + text + "'");
      return null;
    }
    return parsed.get();
  }

  /** One of the enum's constants, written in the file in lower case with dashes (SINGLE_TOPIC is single-topic). */
  <E extends Enum<E>> E readChoice(String key, Class<E> type) {
    String text = readString(key);
    if (text == null) {
      return null;
    }
    for (E constant : type.getEnumConstants()) {
      if (configName(constant).equals(text.trim().toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    problem(key, "expected one of " + choices(type) + ", got '" + text + "'");
    return null;
  }

  /** An absolute URI with one of the given schemes. */
  URI readUri(String key, Set<String> schemes) {
    String text = readString(key);
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
        problem(key, "expected a URL starting with " + String.join("://, ", new java.util.TreeSet<>(schemes))
            + "://, got '" + text + "'");
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
  URI readServiceUri(String key) {
    URI uri = readUri(key, Set.of("https", "http"));
    if (uri != null && uri.getScheme().equalsIgnoreCase("http") && !isLoopback(uri.getHost())) {
      problem(key, "expected an https:// URL (http:// only for an emulator on this machine), got '" + uri + "'");
      return null;
    }
    return uri;
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  List<String> readStringList(String key) {
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
  Optional<ConfigNode> readChild(String key, ConfigSection childSection) {
    known.add(key);
    Object raw = values.get(key);
    if (raw == null) {
      return Optional.empty();
    }
    if (!(raw instanceof Map)) {
      problem(key, "expected a mapping of keys to values, got '" + raw + "'");
      return Optional.empty();
    }
    return Optional.of(new ConfigNode(keyPath(key), asMap(raw), problems, env, childSection));
  }

  /** A list of mappings, such as the tables. */
  List<ConfigNode> readChildren(String key, ConfigSection childSection) {
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
      result.add(new ConfigNode(itemPath, asMap(item), problems, env, childSection));
    }
    return result;
  }

  /** A mapping of named mappings ({@code models: {dim_customer: {...}}}), in file order; empty when absent. */
  Map<String, ConfigNode> readNamedChildren(String key, ConfigSection childSection) {
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
      result.put(entry.getKey(), new ConfigNode(itemPath, asMap(entry.getValue()), problems, env, childSection));
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * Named values in file order, written either as a mapping ({@code {customer_id: id}}, name to value) or as a list
   * of names ({@code [name, email]}, each its own value); null when absent.
   */
  Map<String, String> readNamedValues(String key) {
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
      for (String name : readStringList(key)) {
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
  Map<String, Object> readNamedTree(String key) {
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
  Map<String, String> readProperties(String key) {
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

  /**
   * Records one problem per key that no getter asked for, suggesting the known key it most resembles; a declared key
   * that was not asked for does not apply here (a dimension's key on a fact).
   */
  public void rejectUnknownKeys() {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        String hint = closest(key);
        String what = section.option(key) != null ? "does not apply here" : "unknown key"
            + (hint == null ? "" : " (did you mean '" + hint + "'?)");
        problem(key, what + "; known keys here: " + String.join(", ", known));
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
