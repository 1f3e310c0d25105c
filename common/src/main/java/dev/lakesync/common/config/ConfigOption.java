package dev.lakesync.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One key of the pipeline YAML: its type, default, validation, whether it is required or secret, and a line of doc.
 * Every key is declared once, in {@link ConfigOptions}; {@link ConfigNode#get} reads it, and {@link ConfigReference}
 * renders the configuration reference from the same declarations. Built only while the declarations are initialised.
 */
public final class ConfigOption<T> {
  /** Reads the value at a key, recording problems on the node; null (or empty) when the key is absent. */
  @FunctionalInterface
  interface Reader<T> {
    T read(ConfigNode node, String key);
  }

  private final String key;
  private final String type;
  private final Reader<T> reader;
  private final ConfigSection opens;
  private String pathSuffix = "";
  private T defaultValue;
  private String defaultText = "";
  private String requiredHint;
  private String missingHint = "";
  private boolean secret;
  private Predicate<String> check;
  private String checkText;
  private String doc = "";

  private ConfigOption(String key, String type, Reader<T> reader, ConfigSection opens) {
    this.key = key;
    this.type = type;
    this.reader = reader;
    this.opens = opens;
  }

  static ConfigOption<String> text(String key) {
    return new ConfigOption<>(key, "text", ConfigNode::readString, null);
  }

  /** A password, key or connection string: written as a {@code ${VAR}} reference, printed as {@code ****}. */
  static ConfigOption<Secret> secret(String key) {
    ConfigOption<Secret> option = new ConfigOption<>(key, "secret", (node, at) -> {
      String value = node.readString(at);
      return value == null ? null : Secret.of(value);
    }, null);
    option.secret = true;
    return option;
  }

  static ConfigOption<Integer> integer(String key, int min, int max) {
    return new ConfigOption<>(key, "integer, " + min + " to " + max, (node, at) -> node.readInteger(at, min, max), null);
  }

  static ConfigOption<Boolean> bool(String key) {
    return new ConfigOption<>(key, "`true` or `false`", ConfigNode::readBoolean, null);
  }

  static ConfigOption<Duration> duration(String key) {
    return new ConfigOption<>(key, "duration (`500ms`, `1s`, `5m`, `2h`)", ConfigNode::readDuration, null);
  }

  static <E extends Enum<E>> ConfigOption<E> choice(String key, Class<E> type) {
    ConfigOption<E> option = new ConfigOption<>(key, "one of " + ConfigNode.choices(type).replaceAll("([a-z0-9-]+)", "`$1`"),
        (node, at) -> node.readChoice(at, type), null);
    option.missingHint = " (one of " + ConfigNode.choices(type) + ")";
    return option;
  }

  static ConfigOption<URI> url(String key, String... schemes) {
    return new ConfigOption<>(key, "URL (" + String.join("://, ", schemes) + "://)",
        (node, at) -> node.readUri(at, java.util.Set.of(schemes)), null);
  }

  /** https, or http only to this machine (an emulator), so that keys and tokens never cross a network in the clear. */
  static ConfigOption<URI> serviceUrl(String key) {
    return new ConfigOption<>(key, "`https://` URL (`http://` only to `localhost` or `127.0.0.1`, an emulator)",
        ConfigNode::readServiceUri, null);
  }

  static ConfigOption<List<String>> list(String key, String items) {
    return new ConfigOption<>(key, "list of " + items, ConfigNode::readStringList, null);
  }

  /** Named values: a mapping ({@code {customer_id: id}}) or a list of names ({@code [id, name]}). */
  static ConfigOption<Map<String, String>> names(String key) {
    return new ConfigOption<>(key, "mapping of names to values, or a list of names", ConfigNode::readNamedValues, null);
  }

  /** Named values that may nest: each value is text or a mapping of its own. */
  static ConfigOption<Map<String, Object>> tree(String key) {
    return new ConfigOption<>(key, "mapping of names to values or nested mappings", ConfigNode::readNamedTree, null);
  }

  /** Properties handed untouched to a library underneath, which checks them itself. */
  static ConfigOption<Map<String, String>> properties(String key) {
    return new ConfigOption<>(key, "properties, passed through", ConfigNode::readProperties, null);
  }

  static ConfigOption<Optional<ConfigNode>> section(String key, ConfigSection section) {
    return new ConfigOption<>(key, "section", (node, at) -> node.readChild(at, section), section);
  }

  static ConfigOption<List<ConfigNode>> sectionList(String key, ConfigSection section) {
    ConfigOption<List<ConfigNode>> option = new ConfigOption<>(key, "list of sections",
        (node, at) -> node.readChildren(at, section), section);
    option.pathSuffix = "[]";
    return option;
  }

  static ConfigOption<Map<String, ConfigNode>> namedSections(String key, ConfigSection section) {
    ConfigOption<Map<String, ConfigNode>> option = new ConfigOption<>(key, "sections by name",
        (node, at) -> node.readNamedChildren(at, section), section);
    option.pathSuffix = ".<name>";
    return option;
  }

  /** The value when the key is absent, shown in the reference as written in the file. */
  ConfigOption<T> defaultValue(T value) {
    return defaultValue(value, "`" + (value instanceof Enum ? ConfigNode.configName((Enum<?>) value) : value) + "`");
  }

  ConfigOption<T> defaultValue(T value, String shown) {
    this.defaultValue = value;
    this.defaultText = shown;
    return this;
  }

  /** A default that depends on other keys; the reader passes it to {@link ConfigNode#get(ConfigOption, Object)}. */
  ConfigOption<T> defaultText(String shown) {
    this.defaultText = shown;
    return this;
  }

  ConfigOption<T> required() {
    return required(missingHint);
  }

  /** Required; the hint follows "is required" in the problem when the key is missing (" (a list of ...)"). */
  ConfigOption<T> required(String hint) {
    this.requiredHint = hint;
    this.defaultText = "required";
    return this;
  }

  /** Text values must match the pattern; the description says what was expected. */
  ConfigOption<T> matching(String regex, String description) {
    Pattern pattern = Pattern.compile(regex);
    return valid(value -> pattern.matcher(value).matches(), description);
  }

  /** Text values must pass the check; the description says what was expected. Never for a secret: it is quoted. */
  ConfigOption<T> valid(Predicate<String> check, String description) {
    this.check = check;
    this.checkText = description;
    return this;
  }

  ConfigOption<T> doc(String doc) {
    this.doc = doc;
    return this;
  }

  public String key() {
    return key;
  }

  public boolean secret() {
    return secret;
  }

  public boolean isRequired() {
    return requiredHint != null;
  }

  T defaultValue() {
    return defaultValue;
  }

  /** The section this option opens (a mapping, a list of them or named ones), or null for a value. */
  ConfigSection opens() {
    return opens;
  }

  /** How the reference writes the path of one of the sections this option opens ({@code tables[]}). */
  String sectionPath(String parent) {
    return (parent.isEmpty() ? "" : parent + ".") + key + pathSuffix;
  }

  String type() {
    return checkText == null ? type : type + ": " + checkText;
  }

  String defaultText() {
    return defaultText;
  }

  String doc() {
    return doc;
  }

  T read(ConfigNode node) {
    return reader.read(node, key);
  }

  /** The problem to record when a required key is missing. */
  String missing() {
    String what = opens != null && pathSuffix.isEmpty() ? "section is required" : "is required";
    return what + requiredHint;
  }

  /** The problem with this value, or null when it is fine. */
  String invalid(Object value) {
    if (check != null && value instanceof String && !check.test((String) value)) {
      return "expected " + checkText + ", got '" + value + "'";
    }
    return null;
  }

  static boolean absent(Object value) {
    return value == null
        || value instanceof Optional && ((Optional<?>) value).isEmpty()
        || value instanceof Collection && ((Collection<?>) value).isEmpty()
        || value instanceof Map && ((Map<?, ?>) value).isEmpty();
  }
}
