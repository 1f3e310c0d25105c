package dev.lakesync.warehouse.model;

import static dev.lakesync.warehouse.model.ResolvedModel.CHANGED_AT;
import static dev.lakesync.warehouse.model.ResolvedModel.FIRST_FROM;
import static dev.lakesync.warehouse.model.ResolvedModel.OP;
import static dev.lakesync.warehouse.model.ResolvedModel.POSITION;

import dev.lakesync.common.config.WarehouseModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders resolved models to the statements of one load, in SQL both PostgreSQL and T-SQL accept (the dialect supplies
 * quoting, types, literals, storage and temporary tables). Every change is guarded by its source position, so a range
 * staged twice changes nothing. No value is ever pasted into the text: values travel through staging tables only.
 */
public final class ModelSql {
  static final String VALID_FROM = "valid_from";
  static final String VALID_TO = "valid_to";
  static final String IS_CURRENT = "is_current";

  private final SqlDialect dialect;
  private final String schema;

  public ModelSql(SqlDialect dialect, String schema) {
    this.dialect = dialect;
    this.schema = schema;
  }

  /** The model's table, quoted and schema-qualified. */
  public String target(ResolvedModel model) {
    return dialect.table(schema, model.name());
  }

  /** The name of the primary key constraint of a dimension's or fact's table. */
  public static String keyName(ResolvedModel model) {
    return model.name() + "_pkey";
  }

  /** CREATE statements for the model's table (and its index), each a no-op when it exists. */
  public List<String> create(ResolvedModel model) {
    List<String> columns = new ArrayList<>();
    List<String> primaryKey = new ArrayList<>();
    List<String> statements = new ArrayList<>();
    switch (model.kind()) {
      case AGGREGATE:
        for (ResolvedModel.Column column : model.aggregateColumns()) {
          columns.add(definition(column, false));
        }
        statements.add(dialect.createTable(schema, model.name(), columns, primaryKey, null, SqlDialect.Storage.AGGREGATE));
        return statements;
      case DIMENSION:
        if (model.declared().surrogateKey() != null) {
          columns.add(quote(model.declared().surrogateKey()) + " " + dialect.identity());
        }
        break;
      default:
        break;
    }
    boolean type2 = model.isType2();
    for (ResolvedModel.Column column : model.key()) {
      columns.add(definition(column, true));
      if (!type2) {
        primaryKey.add(quote(column.name()));
      }
    }
    for (ResolvedModel.Column column : model.values()) {
      columns.add(definition(column, false));
    }
    for (ResolvedModel.Column column : model.lookedUp()) {
      columns.add(definition(column, false));
    }
    if (type2) {
      primaryKey.add(quote(model.declared().surrogateKey()));
      columns.add(quote(VALID_FROM) + " " + dialect.type(ColumnType.TIMESTAMP) + " NOT NULL");
      columns.add(quote(VALID_TO) + " " + dialect.type(ColumnType.TIMESTAMP) + " NULL");
      columns.add(quote(IS_CURRENT) + " " + dialect.type(ColumnType.of(ColumnType.Kind.BOOLEAN)) + " NOT NULL");
    }
    columns.add(quote(POSITION) + " " + dialect.positionType() + " NOT NULL");
    statements.add(dialect.createTable(schema, model.name(), columns, primaryKey, keyName(model),
        model.kind() == WarehouseModel.Kind.FACT ? SqlDialect.Storage.FACT : SqlDialect.Storage.DIMENSION));
    if (model.declared().columns() == null) {
      // Every lake column: one the source added since the table was made is added here (rows loaded before hold NULL
      // in it until their next change).
      for (ResolvedModel.Column column : model.values()) {
        statements.add(dialect.addColumn(schema, model.name(), column.name(), definition(column, false)));
      }
    }
    if (type2) {
      List<String> indexed = names(model.key(), this::quote);
      indexed.add(quote(POSITION));
      statements.addAll(dialect.createIndex(schema, model.name(), model.name() + "_by_key", indexed));
    }
    return statements;
  }

  private String definition(ResolvedModel.Column column, boolean notNull) {
    return quote(column.name()) + " " + dialect.type(column.type()) + (notNull ? " NOT NULL" : "");
  }

  /** One row, one column: 1 when the model's table holds a row, else 0. */
  public String selectPresent(ResolvedModel model) {
    return "SELECT CASE WHEN EXISTS (SELECT 1 FROM " + target(model) + ") THEN 1 ELSE 0 END";
  }

  /**
   * The statements that apply a dimension's or fact's staged changes. {@code targetEmpty}: its table holds no row yet
   * (a first load), so the rows go in with one INSERT.
   */
  public List<String> apply(ResolvedModel model, String staging, boolean targetEmpty) {
    if (model.isType2()) {
      return applyType2(model, staging);
    }
    String target = target(model);
    String rows = model.kind() == WarehouseModel.Kind.FACT ? factRows(model, staging)
        : "(SELECT * FROM " + staging + " WHERE " + OP + " <> 'd')";
    List<String> columns = names(model.key(), this::quote);
    columns.addAll(names(model.values(), this::quote));
    columns.addAll(names(model.lookedUp(), this::quote));
    columns.add(quote(POSITION));
    String insert = "INSERT INTO " + target + " (" + String.join(", ", columns) + ") SELECT "
        + String.join(", ", prefixed("n.", columns)) + " FROM " + rows + " n";
    List<String> statements = new ArrayList<>();
    if (targetEmpty) {
      // Staged rows are one per key (a snapshot, or the newest change per key).
      if (dialect.rebuildsKeyAfterBulkInsert()) {
        statements.add("ALTER TABLE " + target + " DROP CONSTRAINT " + quote(keyName(model)));
        statements.add(insert);
        statements.add("ALTER TABLE " + target + " ADD CONSTRAINT " + quote(keyName(model)) + " PRIMARY KEY ("
            + String.join(", ", names(model.key(), this::quote)) + ")");
      } else {
        statements.add(insert);
      }
    } else {
      statements.add("DELETE FROM " + target + " WHERE EXISTS (SELECT 1 FROM " + staging + " s WHERE "
          + keyMatch(model, "s.", target + ".") + " AND s." + OP + " = 'd' AND s." + quote(POSITION) + " > " + target
          + "." + quote(POSITION) + ")");
      List<String> sets = new ArrayList<>();
      for (String column : columns.subList(model.key().size(), columns.size())) {
        sets.add(column + " = n." + column);
      }
      statements.add("UPDATE " + target + " SET " + String.join(", ", sets) + " FROM " + rows + " n WHERE "
          + keyMatch(model, target + ".", "n.") + " AND n." + quote(POSITION) + " > " + target + "." + quote(POSITION));
      statements.add(insert + " WHERE NOT EXISTS (SELECT 1 FROM " + target + " x WHERE " + keyMatch(model, "x.", "n.")
          + ")");
    }
    statements.addAll(dialect.analyze(target));
    return statements;
  }

  /**
   * A fact's new rows: the staged columns, then each lookup's columns. A type 1 dimension is joined on its key; a type
   * 2 dimension gives the version whose interval holds the fact's time, or its first version when none does.
   */
  private String factRows(ResolvedModel fact, String staging) {
    Map<String, String> available = new LinkedHashMap<>();
    for (ResolvedModel.Column column : fact.key()) {
      available.put(column.name(), "s." + quote(column.name()));
    }
    for (ResolvedModel.Column column : fact.values()) {
      available.put(column.name(), "s." + quote(column.name()));
    }
    List<String> select = new ArrayList<>(available.values());
    StringBuilder joins = new StringBuilder();
    int i = 0;
    for (ResolvedModel.Lookup lookup : fact.lookups()) {
      ResolvedModel dimension = lookup.dimension();
      String dim = target(dimension);
      List<String> on = new ArrayList<>();
      for (String column : lookup.on()) {
        on.add(available.get(column));
      }
      String alias = "l" + i;
      Map<String, String> taken = new LinkedHashMap<>();
      if (!dimension.isType2()) {
        joins.append(" LEFT JOIN ").append(dim).append(' ').append(alias).append(" ON ")
            .append(keyEquals(dimension, alias + ".", on));
        for (ResolvedModel.Column column : lookup.take()) {
          taken.put(column.name(), alias + "." + quote(column.name()));
        }
        if (lookup.surrogateKey() != null) {
          taken.put(lookup.surrogateKey().name(), alias + "." + quote(lookup.surrogateKey().name()));
        }
      } else {
        String time = available.get(fact.declared().time());
        String first = "f" + i;
        joins.append(" LEFT JOIN ").append(dim).append(' ').append(alias).append(" ON ")
            .append(keyEquals(dimension, alias + ".", on)).append(" AND ").append(alias).append('.').append(quote(VALID_FROM))
            .append(" <= ").append(time).append(" AND (").append(alias).append('.').append(quote(VALID_TO))
            .append(" IS NULL OR ").append(alias).append('.').append(quote(VALID_TO)).append(" > ").append(time).append(')');
        // The first version is the one with the lowest position (positions are unique per member): a correlated MIN
        // the key's index answers per member, where a window would number the whole dimension on every load.
        joins.append(" LEFT JOIN (SELECT d.* FROM ").append(dim).append(" d WHERE d.").append(quote(POSITION))
            .append(" = (SELECT MIN(m.").append(quote(POSITION)).append(") FROM ").append(dim).append(" m WHERE ")
            .append(keyMatch(dimension, "m.", "d.")).append(")) ").append(first)
            .append(" ON ").append(keyEquals(dimension, first + ".", on));
        String found = alias + "." + quote(lookup.surrogateKey().name()) + " IS NOT NULL";
        for (ResolvedModel.Column column : lookup.take()) {
          taken.put(column.name(), "CASE WHEN " + found + " THEN " + alias + "." + quote(column.name()) + " ELSE " + first
              + "." + quote(column.name()) + " END");
        }
        String key = quote(lookup.surrogateKey().name());
        taken.put(lookup.surrogateKey().name(), "COALESCE(" + alias + "." + key + ", " + first + "." + key + ")");
      }
      taken.forEach((name, expression) -> select.add(expression + " AS " + quote(name)));
      for (ResolvedModel.Column column : lookup.take()) {
        available.put(column.name(), taken.get(column.name()));
      }
      i++;
    }
    select.add("s." + quote(POSITION));
    return "(SELECT " + String.join(", ", select) + " FROM " + staging + " s" + joins + " WHERE s." + OP + " <> 'd')";
  }

  /**
   * Type 2: a staged change newer than every version held opens a version when its tracked columns differ from the
   * version before it (held or staged) or when it follows a delete; each version then lasts until the next one, and a
   * key whose newest change is a delete has its last version closed at the delete.
   */
  private List<String> applyType2(ResolvedModel model, String staging) {
    String target = target(model);
    String sk = quote(model.declared().surrogateKey());
    List<String> key = names(model.key(), this::quote);
    List<String> values = names(model.values(), this::quote);
    List<String> keyAndValues = new ArrayList<>(key);
    keyAndValues.addAll(values);
    String partition = " OVER (PARTITION BY " + String.join(", ", prefixed("q.", key)) + " ORDER BY q." + quote(POSITION) + ")";
    String newestHeld = "(SELECT MAX(m." + quote(POSITION) + ") FROM " + target + " m WHERE %s)";
    List<String> lags = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (ResolvedModel.Column column : model.tracked()) {
      String name = quote(column.name());
      String previous = quote("_p_" + column.name());
      lags.add("LAG(q." + name + ")" + partition + " AS " + previous);
      changed.add(distinct("v." + name, "v." + previous));
    }
    lags.add("LAG(q." + OP + ")" + partition + " AS _p_op");
    changed.add(0, "v._p_op IS NULL OR v._p_op = 'd'");
    String validFrom = model.declared().validFrom() == null ? "s." + CHANGED_AT
        : "CASE WHEN s." + OP + " IN ('c', 'r') THEN COALESCE(s." + FIRST_FROM + ", s." + CHANGED_AT + ") ELSE s."
            + CHANGED_AT + " END";
    List<String> inserted = new ArrayList<>(keyAndValues);
    inserted.add(quote(VALID_FROM));
    inserted.add(quote(VALID_TO));
    inserted.add(quote(IS_CURRENT));
    inserted.add(quote(POSITION));
    List<String> statements = new ArrayList<>();
    statements.add("INSERT INTO " + target + " (" + String.join(", ", inserted) + ") SELECT "
        + String.join(", ", prefixed("v.", keyAndValues)) + ", v." + quote(VALID_FROM) + ", NULL, " + dialect.bool(false)
        + ", v." + quote(POSITION) + " FROM (SELECT q.*, " + String.join(", ", lags) + " FROM ("
        + "SELECT 'held' AS _kind, " + String.join(", ", prefixed("h.", keyAndValues)) + ", h." + quote(VALID_FROM) + ", h."
        + quote(POSITION) + ", CASE WHEN h." + quote(VALID_TO) + " IS NOT NULL AND h." + quote(IS_CURRENT) + " = "
        + dialect.bool(false) + " THEN 'd' ELSE 'u' END AS " + OP + " FROM " + target + " h WHERE EXISTS (SELECT 1 FROM "
        + staging + " e WHERE " + keyMatch(model, "e.", "h.") + ") AND h." + quote(POSITION) + " = "
        + String.format(newestHeld, keyMatch(model, "m.", "h.")) + " UNION ALL SELECT 'staged', "
        + String.join(", ", prefixed("s.", keyAndValues)) + ", " + validFrom + ", s." + quote(POSITION) + ", s." + OP
        + " FROM " + staging + " s WHERE s." + quote(POSITION) + " > COALESCE("
        + String.format(newestHeld, keyMatch(model, "m.", "s.")) + ", '')) q) v WHERE v._kind = 'staged' AND v." + OP
        + " <> 'd' AND (" + String.join(" OR ", changed) + ")");
    statements.add("UPDATE " + target + " SET " + quote(VALID_TO) + " = x._next_from, " + quote(IS_CURRENT)
        + " = CASE WHEN x._next_from IS NULL THEN " + dialect.bool(true) + " ELSE " + dialect.bool(false) + " END FROM (SELECT h."
        + sk + ", LEAD(h." + quote(VALID_FROM) + ") OVER (PARTITION BY " + String.join(", ", prefixed("h.", key))
        + " ORDER BY h." + quote(POSITION) + ") AS _next_from FROM " + target + " h WHERE EXISTS (SELECT 1 FROM " + staging
        + " e WHERE " + keyMatch(model, "e.", "h.") + ")) x WHERE " + target + "." + sk + " = x." + sk + " AND NOT ("
        + target + "." + quote(VALID_TO) + " IS NOT NULL AND " + target + "." + quote(IS_CURRENT) + " = "
        + dialect.bool(false) + " AND x._next_from IS NULL)");
    statements.add("UPDATE " + target + " SET " + quote(VALID_TO) + " = s." + CHANGED_AT + ", " + quote(IS_CURRENT) + " = "
        + dialect.bool(false) + " FROM (SELECT " + String.join(", ", key) + ", " + OP + ", " + CHANGED_AT + ", "
        + quote(POSITION) + ", ROW_NUMBER() OVER (PARTITION BY " + String.join(", ", key) + " ORDER BY " + quote(POSITION)
        + " DESC) AS _rn FROM " + staging + ") s WHERE " + keyMatch(model, target + ".", "s.") + " AND s._rn = 1 AND "
        + target + "." + quote(IS_CURRENT) + " = " + dialect.bool(true) + " AND s." + OP + " = 'd' AND s." + quote(POSITION)
        + " > " + target + "." + quote(POSITION));
    statements.addAll(dialect.analyze(target));
    return statements;
  }

  /** The temporary table of an aggregate's touched {@code incrementalBy} values. */
  private String touched(ResolvedModel aggregate) {
    return "_lakesync_touched_" + aggregate.name();
  }

  /**
   * For an aggregate kept current by {@code incrementalBy}, before the fact changes: a temporary table of the values
   * the fact's staged rows have and the values their current facts hold (a fact whose value moved leaves its old
   * group). A table made by a query: the dedicated SQL pool runs it outside the load's transaction.
   */
  public String collectTouched(ResolvedModel aggregate, String factStaging) {
    ResolvedModel fact = aggregate.fact();
    String by = quote(incrementalSource(aggregate));
    return dialect.createTemporary(touched(aggregate), "SELECT n." + by + " AS v FROM " + factStaging + " n UNION SELECT f."
        + by + " FROM " + target(fact) + " f WHERE EXISTS (SELECT 1 FROM " + factStaging + " n WHERE "
        + keyMatch(fact, "f.", "n.") + ")");
  }

  /** Before the fact changes, in the load's transaction: deletes the aggregate's rows {@link #collectTouched} found. */
  public List<String> beforeFacts(ResolvedModel aggregate) {
    return List.of("DELETE FROM " + target(aggregate) + " WHERE "
        + inTouched(dialect.temporary(touched(aggregate)), target(aggregate) + "." + quote(aggregate.declared().incrementalBy())));
  }

  /** Drops {@link #collectTouched}'s table once the aggregate is refreshed. */
  public String dropTouched(ResolvedModel aggregate) {
    return dialect.dropTemporary(touched(aggregate));
  }

  /**
   * Recomputes an aggregate from its fact after the fact changed: only the groups {@link #beforeFacts} cleared when
   * {@code incremental}, else all of them.
   */
  public List<String> refresh(ResolvedModel aggregate, boolean incremental) {
    List<String> columns = names(aggregate.aggregateColumns(), this::quote);
    String target = target(aggregate);
    List<String> statements = new ArrayList<>();
    if (!incremental) {
      statements.add("DELETE FROM " + target);
    }
    statements.add("INSERT INTO " + target + " (" + String.join(", ", columns) + ") " + aggregateQuery(aggregate, incremental));
    return statements;
  }

  /**
   * The aggregate as its fact and dimensions give it now, in the order of its columns and cast to their types as the
   * table stores them (what verify compares the table with).
   */
  public String aggregateQuery(ResolvedModel aggregate) {
    List<String> casts = new ArrayList<>();
    for (ResolvedModel.Column column : aggregate.aggregateColumns()) {
      casts.add("CAST(q." + quote(column.name()) + " AS " + dialect.type(column.type()) + ") AS " + quote(column.name()));
    }
    return "SELECT " + String.join(", ", casts) + " FROM (" + aggregateQuery(aggregate, false) + ") q";
  }

  private String aggregateQuery(ResolvedModel aggregate, boolean incremental) {
    ResolvedModel fact = aggregate.fact();
    List<String> groups = new ArrayList<>();
    List<String> select = new ArrayList<>();
    Map<ResolvedModel.Lookup, String> aliases = new LinkedHashMap<>();
    StringBuilder joins = new StringBuilder();
    for (ResolvedModel.Group group : aggregate.groups()) {
      String expression;
      if (group.through() == null) {
        expression = "f." + quote(group.source());
      } else {
        ResolvedModel.Lookup lookup = group.through();
        String alias = aliases.get(lookup);
        if (alias == null) {
          alias = "d" + aliases.size();
          aliases.put(lookup, alias);
          joins.append(" LEFT JOIN ").append(target(lookup.dimension())).append(' ').append(alias).append(" ON ");
          if (lookup.surrogateKey() != null) {
            String sk = quote(lookup.surrogateKey().name());
            joins.append(alias).append('.').append(sk).append(" = f.").append(sk);
          } else {
            joins.append(keyEquals(lookup.dimension(), alias + ".", prefixed("f.", quoteAll(lookup.on()))));
          }
        }
        expression = alias + "." + quote(group.source());
      }
      groups.add(expression);
      select.add(expression + " AS " + quote(group.column().name()));
    }
    for (ResolvedModel.Measure measure : aggregate.measures()) {
      select.add(measure(measure) + " AS " + quote(measure.column().name()));
    }
    return "SELECT " + String.join(", ", select) + " FROM " + target(fact) + " f" + joins
        + (incremental ? " WHERE " + inTouched(dialect.temporary(touched(aggregate)), "f." + quote(incrementalSource(aggregate)))
            : "")
        + (groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", groups));
  }

  private String incrementalSource(ResolvedModel aggregate) {
    return aggregate.declared().groupBy().get(aggregate.declared().incrementalBy());
  }

  private String measure(ResolvedModel.Measure measure) {
    String input = measure.input() == null ? null : "f." + quote(measure.input().name());
    switch (measure.function()) {
      case COUNT:
        return input == null ? dialect.countAll() : dialect.count(input);
      case AVG:
        // An integer average would be truncated on T-SQL: averaged as the result's decimal type instead.
        return measure.input().type().isIntegral() ? "AVG(CAST(" + input + " AS " + dialect.type(measure.column().type())
            + "))" : "AVG(" + input + ")";
      default:
        return measure.function().name() + "(" + input + ")";
    }
  }

  private String keyMatch(ResolvedModel model, String left, String right) {
    List<String> terms = new ArrayList<>();
    for (ResolvedModel.Column column : model.key()) {
      terms.add(left + quote(column.name()) + " = " + right + quote(column.name()));
    }
    return String.join(" AND ", terms);
  }

  /** The dimension's key columns (prefixed) equal to the given expressions, in key order. */
  private String keyEquals(ResolvedModel dimension, String prefix, List<String> expressions) {
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < dimension.key().size(); i++) {
      terms.add(prefix + quote(dimension.key().get(i).name()) + " = " + expressions.get(i));
    }
    return String.join(" AND ", terms);
  }

  private static String distinct(String a, String b) {
    return "NOT (" + a + " = " + b + " OR (" + a + " IS NULL AND " + b + " IS NULL))";
  }

  /**
   * Whether {@code value} is one of the touched values, NULL included. Equality and the NULL case apart: an OR inside
   * one EXISTS cannot be hashed, and the engine compares every fact with every touched value.
   */
  private static String inTouched(String temporary, String value) {
    return "(EXISTS (SELECT 1 FROM " + temporary + " t WHERE t.v = " + value + ") OR (" + value + " IS NULL AND "
        + "EXISTS (SELECT 1 FROM " + temporary + " t WHERE t.v IS NULL)))";
  }

  private String quote(String identifier) {
    return dialect.quote(identifier);
  }

  private List<String> quoteAll(List<String> identifiers) {
    List<String> quoted = new ArrayList<>();
    for (String identifier : identifiers) {
      quoted.add(quote(identifier));
    }
    return quoted;
  }

  private static List<String> names(List<ResolvedModel.Column> columns, Function<String, String> quote) {
    List<String> names = new ArrayList<>();
    for (ResolvedModel.Column column : columns) {
      names.add(quote.apply(column.name()));
    }
    return names;
  }

  private static List<String> prefixed(String prefix, List<String> items) {
    List<String> result = new ArrayList<>();
    for (String item : items) {
      result.add(prefix + item);
    }
    return result;
  }
}
