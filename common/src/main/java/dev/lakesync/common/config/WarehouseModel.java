package dev.lakesync.common.config;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.ConfigOptions.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One declared warehouse model ({@code warehouse.models.<name>}): a dimension or a fact fed from one validated table,
 * or an aggregate over a fact. Column values are Spark SQL expressions over the validated table's columns (a bare
 * column name is the simplest), evaluated while staging, so the warehouse SQL rendered from a model is the same for
 * every dialect. Immutable; cross-model references are checked by {@link WarehouseConfig}.
 */
public final class WarehouseModel {
  /** What a model is. */
  public enum Kind { DIMENSION, FACT, AGGREGATE }

  /** How a dimension keeps changes: type 1 overwrites, type 2 keeps a version per change of its tracked columns. */
  public enum History { TYPE1, TYPE2 }

  /** Aggregate functions a measure may use. */
  public enum Function { COUNT, SUM, AVG, MIN, MAX }

  /** Metadata and history columns the loader adds to model tables: never a declared column's name. */
  public static final Set<String> RESERVED = Set.of("_source_pos", "_op", "_changed_at", "_first_from",
      "valid_from", "valid_to", "is_current");

  /** Metadata columns of every validated table, never a model's column unless named in an expression. */
  public static final Set<String> LAKE_METADATA = Set.of("_op", "_source_ts_ms", "_source_pos", "_ingested_at");

  private static final Pattern MEASURE = Pattern.compile("\\s*([A-Za-z]+)\\s*\\(\\s*(\\*|[A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*");

  /** A fact's lookup of a dimension: the fact columns matching the dimension's key, the columns it copies. */
  public static final class Lookup {
    private final String dimension;
    private final List<String> on;
    private final List<String> take;

    Lookup(String dimension, List<String> on, List<String> take) {
      this.dimension = dimension;
      this.on = List.copyOf(on);
      this.take = List.copyOf(take);
    }

    public String dimension() {
      return dimension;
    }

    /** Fact columns (own or taken by an earlier lookup), in the order of the dimension's key columns. */
    public List<String> on() {
      return on;
    }

    /** Dimension columns copied into the fact under their own names. */
    public List<String> take() {
      return take;
    }
  }

  /** An aggregate's measure: a function over a fact column ({@code column} null for count(*)). */
  public static final class Measure {
    private final Function function;
    private final String column;

    Measure(Function function, String column) {
      this.function = function;
      this.column = column;
    }

    public Function function() {
      return function;
    }

    /** The fact column, or null for {@code count(*)}. */
    public String column() {
      return column;
    }
  }

  private final String name;
  private final Kind kind;
  private final String from;
  private final Map<String, String> key;
  private final Map<String, String> columns;
  private final String surrogateKey;
  private final History history;
  private final List<String> tracked;
  private final String validFrom;
  private final String time;
  private final List<Lookup> lookups;
  private final Map<String, String> groupBy;
  private final Map<String, Measure> measures;
  private final String incrementalBy;

  private WarehouseModel(String name, ConfigNode node) {
    this.name = name;
    if (!Identifiers.isValid(name)) {
      node.problem("", "model name '" + name + "' is not a valid table name (letters, digits, underscores)");
    }
    this.kind = node.get(Model.KIND);
    this.from = node.get(Model.FROM);
    boolean dimension = kind == Kind.DIMENSION;
    boolean fact = kind == Kind.FACT;
    boolean aggregate = kind == Kind.AGGREGATE;
    Map<String, String> parsedKey = aggregate ? Map.of() : node.get(Model.KEY);
    if (!aggregate && (parsedKey == null || parsedKey.isEmpty())) {
      node.problem("key", "is required: the natural key, e.g. {customer_id: id} or [id]");
    }
    this.key = parsedKey == null ? Map.of() : parsedKey;
    this.columns = aggregate ? Map.of() : node.get(Model.COLUMNS);
    this.surrogateKey = dimension ? node.get(Model.SURROGATE_KEY) : null;
    this.history = dimension ? node.get(Model.HISTORY) : History.TYPE1;
    this.tracked = dimension ? node.get(Model.TRACKED) : List.of();
    this.validFrom = dimension ? node.get(Model.VALID_FROM) : null;
    this.time = fact ? node.get(Model.TIME) : null;
    this.lookups = fact ? parseLookups(node) : List.of();
    Map<String, String> parsedGroupBy = aggregate ? node.get(Model.GROUP_BY) : null;
    this.groupBy = parsedGroupBy == null ? Map.of() : parsedGroupBy;
    this.measures = aggregate ? parseMeasures(node) : Map.of();
    this.incrementalBy = aggregate ? node.get(Model.INCREMENTAL_BY) : null;
    if (aggregate && groupBy.isEmpty() && measures.isEmpty()) {
      node.problem("groupBy", "an aggregate needs groupBy columns or measures");
    }
    if (history == History.TYPE2 && surrogateKey == null) {
      node.problem("surrogateKey", "is required for history: type2 (each version gets its own key)");
    }
    if (history != History.TYPE2 && (!tracked.isEmpty() || validFrom != null)) {
      node.problem(tracked.isEmpty() ? "validFrom" : "tracked", "applies to history: type2 only");
    }
    checkNames(node);
    node.rejectUnknownKeys();
  }

  static WarehouseModel from(String name, ConfigNode node) {
    return new WarehouseModel(name, node);
  }

  private static List<Lookup> parseLookups(ConfigNode node) {
    List<Lookup> parsed = new ArrayList<>();
    for (ConfigNode lookup : node.get(Model.LOOKUPS)) {
      String dimension = lookup.get(ConfigOptions.ModelLookup.DIMENSION);
      // not "on": YAML 1.1 reads that key as the boolean true
      List<String> on = lookup.get(ConfigOptions.ModelLookup.MATCH);
      List<String> take = lookup.get(ConfigOptions.ModelLookup.TAKE);
      lookup.rejectUnknownKeys();
      parsed.add(new Lookup(dimension, on, take));
    }
    return List.copyOf(parsed);
  }

  private static Map<String, Measure> parseMeasures(ConfigNode node) {
    Map<String, String> raw = node.get(Model.MEASURES);
    Map<String, Measure> parsed = new LinkedHashMap<>();
    if (raw == null) {
      return parsed;
    }
    raw.forEach((column, text) -> {
      Matcher matcher = MEASURE.matcher(text);
      Function function = null;
      if (matcher.matches()) {
        for (Function candidate : Function.values()) {
          if (candidate.name().equalsIgnoreCase(matcher.group(1))) {
            function = candidate;
          }
        }
      }
      if (function == null || ("*".equals(matcher.group(2)) && function != Function.COUNT)) {
        node.problem("measures." + column, "expected count(*) or count|sum|avg|min|max(fact_column), got '" + text + "'");
        return;
      }
      parsed.put(column, new Measure(function, "*".equals(matcher.group(2)) ? null : matcher.group(2)));
    });
    return parsed;
  }

  /** Every name this model creates is a valid identifier, used once, and none is reserved. */
  private void checkNames(ConfigNode node) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> names = new ArrayList<>(key.keySet());
    if (columns != null) {
      names.addAll(columns.keySet());
    }
    if (surrogateKey != null) {
      names.add(surrogateKey);
    }
    names.addAll(groupBy.keySet());
    names.addAll(measures.keySet());
    for (Lookup lookup : lookups) {
      names.addAll(lookup.take());
    }
    for (String column : names) {
      String lower = column.toLowerCase(Locale.ROOT);
      if (!Identifiers.isValid(column)) {
        node.problem("", "'" + column + "' is not a valid warehouse column name (letters, digits, underscores)");
      } else if (RESERVED.contains(lower)) {
        node.problem("", "'" + column + "' is a name the loader uses itself (" + String.join(", ", new java.util.TreeSet<>(RESERVED)) + "); choose another");
      } else if (!seen.add(lower)) {
        node.problem("", "column '" + column + "' is defined twice");
      }
    }
    if (columns != null) {
      for (String column : tracked) {
        if (!columns.containsKey(column)) {
          node.problem("tracked", "'" + column + "' is not one of the model's columns (" + String.join(", ",
              columns.keySet()) + ")");
        }
      }
    }
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** schema.table of the validated table (dimension, fact), or the fact model's name (aggregate). */
  public String from() {
    return from;
  }

  /** Natural key: warehouse column to Spark SQL expression over the validated table. */
  public Map<String, String> key() {
    return key;
  }

  /**
   * The model's value columns over a validated table with {@code lakeColumns}: those declared, or else every lake
   * column under its own name, less the metadata columns and those the key reads by name. A lake column whose name
   * a warehouse cannot take as it is goes to {@code unusable} instead.
   */
  public Map<String, String> columnsOver(List<String> lakeColumns, Consumer<String> unusable) {
    if (columns != null) {
      return columns;
    }
    Map<String, String> all = new LinkedHashMap<>();
    for (String column : lakeColumns) {
      if (LAKE_METADATA.contains(column) || key.containsValue(column)) {
        continue;
      }
      if (!Identifiers.isValid(column) || RESERVED.contains(column.toLowerCase(Locale.ROOT))) {
        unusable.accept(column);
      } else {
        all.put(column, "`" + column + "`");
      }
    }
    return all;
  }

  /** Warehouse column to Spark SQL expression, in order; null means every column of the validated table. */
  public Map<String, String> columns() {
    return columns;
  }

  public String surrogateKey() {
    return surrogateKey;
  }

  public History history() {
    return history;
  }

  /** Type 2: the columns whose change opens a new version; empty means every column. */
  public List<String> tracked() {
    return tracked;
  }

  /** Type 2: Spark SQL expression for when a row's first version starts; null means the change's source time. */
  public String validFrom() {
    return validFrom;
  }

  /** Fact: the column whose time picks a type 2 dimension's version. */
  public String time() {
    return time;
  }

  public List<Lookup> lookups() {
    return lookups;
  }

  /** Aggregate: output column to a fact column or {@code dimension.column} (through the fact's lookup). */
  public Map<String, String> groupBy() {
    return groupBy;
  }

  public Map<String, Measure> measures() {
    return measures;
  }

  /** Aggregate: a group-by column of the fact whose values a load recomputes; null recomputes all. */
  public String incrementalBy() {
    return incrementalBy;
  }

  @Override
  public String toString() {
    return "WarehouseModel{" + name + " " + kind + " from " + from + "}";
  }
}
