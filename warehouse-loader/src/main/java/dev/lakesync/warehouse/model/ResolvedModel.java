package dev.lakesync.warehouse.model;

import dev.lakesync.common.config.WarehouseModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A declared model with every column's name and type known (from the lake's schema): what the SQL of either dialect is
 * rendered from. Built by {@link ModelResolver} against the lake, or by hand in tests.
 */
public final class ResolvedModel {
  /** Staged change metadata (every staging table ends with these). */
  public static final String OP = "_op";
  public static final String POSITION = "_source_pos";
  /** Staged for type 2 dimensions: the change's source time, and when a new row's first version starts. */
  public static final String CHANGED_AT = "_changed_at";
  public static final String FIRST_FROM = "_first_from";

  /** A named, typed column. */
  public static final class Column {
    private final String name;
    private final ColumnType type;

    public Column(String name, ColumnType type) {
      this.name = name;
      this.type = type;
    }

    public String name() {
      return name;
    }

    public ColumnType type() {
      return type;
    }

    @Override
    public String toString() {
      return name + " " + type;
    }
  }

  /** A fact's lookup with the dimension it reads resolved. */
  public static final class Lookup {
    private final ResolvedModel dimension;
    private final List<String> on;
    private final List<Column> take;

    public Lookup(ResolvedModel dimension, List<String> on, List<Column> take) {
      this.dimension = dimension;
      this.on = List.copyOf(on);
      this.take = List.copyOf(take);
    }

    public ResolvedModel dimension() {
      return dimension;
    }

    public List<String> on() {
      return on;
    }

    public List<Column> take() {
      return take;
    }

    /** The dimension's surrogate key stored in the fact, or null when the dimension has none. */
    public Column surrogateKey() {
      return dimension.declared.surrogateKey() == null ? null
          : new Column(dimension.declared.surrogateKey(), ColumnType.BIGINT);
    }
  }

  /** An aggregate's group-by column: from the fact, or from a dimension the fact looks up. */
  public static final class Group {
    private final Column column;
    private final Lookup through;
    private final String source;

    public Group(Column column, Lookup through, String source) {
      this.column = column;
      this.through = through;
      this.source = source;
    }

    public Column column() {
      return column;
    }

    /** The lookup whose dimension holds {@link #source()}, or null for a fact column. */
    public Lookup through() {
      return through;
    }

    /** The column read: of the fact, or of the dimension. */
    public String source() {
      return source;
    }
  }

  /** An aggregate's measure with its result type. */
  public static final class Measure {
    private final Column column;
    private final WarehouseModel.Function function;
    private final Column input;

    public Measure(Column column, WarehouseModel.Function function, Column input) {
      this.column = column;
      this.function = function;
      this.input = input;
    }

    public Column column() {
      return column;
    }

    public WarehouseModel.Function function() {
      return function;
    }

    /** The fact column, or null for count(*). */
    public Column input() {
      return input;
    }
  }

  private final WarehouseModel declared;
  private final Map<String, String> expressions;
  private final List<Column> key;
  private final List<Column> values;
  private final List<Lookup> lookups;
  private final ResolvedModel fact;
  private final List<Group> groups;
  private final List<Measure> measures;

  private ResolvedModel(WarehouseModel declared, Map<String, String> expressions, List<Column> key, List<Column> values,
      List<Lookup> lookups, ResolvedModel fact, List<Group> groups, List<Measure> measures) {
    this.declared = declared;
    this.expressions = Map.copyOf(expressions);
    this.key = List.copyOf(key);
    this.values = List.copyOf(values);
    this.lookups = List.copyOf(lookups);
    this.fact = fact;
    this.groups = List.copyOf(groups);
    this.measures = List.copyOf(measures);
  }

  /**
   * A dimension or a fact: its key, value columns, the Spark SQL expression over the validated table of each, and
   * (facts) lookups.
   */
  public static ResolvedModel table(WarehouseModel declared, Map<String, String> expressions, List<Column> key,
      List<Column> values, List<Lookup> lookups) {
    return new ResolvedModel(declared, expressions, key, values, lookups, null, List.of(), List.of());
  }

  public static ResolvedModel aggregate(WarehouseModel declared, ResolvedModel fact, List<Group> groups,
      List<Measure> measures) {
    return new ResolvedModel(declared, Map.of(), List.of(), List.of(), List.of(), fact, groups, measures);
  }

  /** The Spark SQL expression over the validated table that stages a key or value column. */
  public String expression(String column) {
    return expressions.get(column);
  }

  public WarehouseModel declared() {
    return declared;
  }

  public String name() {
    return declared.name();
  }

  public WarehouseModel.Kind kind() {
    return declared.kind();
  }

  public boolean isType2() {
    return declared.kind() == WarehouseModel.Kind.DIMENSION && declared.history() == WarehouseModel.History.TYPE2;
  }

  public List<Column> key() {
    return key;
  }

  public List<Column> values() {
    return values;
  }

  public List<Lookup> lookups() {
    return lookups;
  }

  /** The fact an aggregate reads. */
  public ResolvedModel fact() {
    return fact;
  }

  public List<Group> groups() {
    return groups;
  }

  public List<Measure> measures() {
    return measures;
  }

  /** Type 2: the value columns whose change opens a version (all of them unless declared). */
  public List<Column> tracked() {
    if (declared.tracked().isEmpty()) {
      return values;
    }
    List<Column> tracked = new ArrayList<>();
    for (Column column : values) {
      if (declared.tracked().contains(column.name())) {
        tracked.add(column);
      }
    }
    return tracked;
  }

  /** The column of this dimension or fact named {@code name} (key, value, or a fact's taken column), or null. */
  public Column column(String name) {
    for (List<Column> columns : List.of(key, values)) {
      for (Column column : columns) {
        if (column.name().equals(name)) {
          return column;
        }
      }
    }
    for (Lookup lookup : lookups) {
      for (Column column : lookup.take()) {
        if (column.name().equals(name)) {
          return column;
        }
      }
    }
    return null;
  }

  /** The columns of a dimension's or fact's staging table, in order: key, values, type 2 times, op, position. */
  public List<Column> staged() {
    List<Column> staged = new ArrayList<>(key);
    staged.addAll(values);
    if (isType2()) {
      staged.add(new Column(CHANGED_AT, ColumnType.TIMESTAMP));
      if (declared.validFrom() != null) {
        staged.add(new Column(FIRST_FROM, ColumnType.TIMESTAMP));
      }
    }
    staged.add(new Column(OP, ColumnType.TEXT));
    staged.add(new Column(POSITION, ColumnType.TEXT));
    return Collections.unmodifiableList(staged);
  }

  /** The columns a fact stores besides its key and values: each lookup's taken columns and surrogate key. */
  public List<Column> lookedUp() {
    List<Column> columns = new ArrayList<>();
    for (Lookup lookup : lookups) {
      columns.addAll(lookup.take());
      if (lookup.surrogateKey() != null) {
        columns.add(lookup.surrogateKey());
      }
    }
    return columns;
  }

  /** Group-by and measure columns of an aggregate, in order. */
  public List<Column> aggregateColumns() {
    List<Column> columns = new ArrayList<>();
    for (Group group : groups) {
      columns.add(group.column());
    }
    for (Measure measure : measures) {
      columns.add(measure.column());
    }
    return columns;
  }

  @Override
  public String toString() {
    return "ResolvedModel{" + declared.name() + " key=" + key + " values=" + values + "}";
  }
}
