package dev.lakesync.bench.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One row change the fuzz applies to the source; values are text the database casts, null for SQL NULL. */
final class FuzzChange {
  enum Kind { INSERT, UPDATE, DELETE, TRUNCATE }

  final Kind kind;
  final FuzzTable table;
  /** INSERT: every column; UPDATE: the columns set (key columns too, for a key change). */
  final Map<String, String> values;
  /** UPDATE and DELETE: the key of the row changed. */
  final Map<String, String> key;

  FuzzChange(Kind kind, FuzzTable table, Map<String, String> values, Map<String, String> key) {
    this.kind = kind;
    this.table = table;
    this.values = values;
    this.key = key;
  }

  /** The statement, with a placeholder for each value in the order of {@link #parameters()}. */
  String sql(FuzzDialect dialect) {
    String quotedSchema = dialect.quote(table.schema);
    String target = quotedSchema + "." + dialect.quote(table.name);
    switch (kind) {
      case INSERT: {
        List<String> names = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        for (String column : values.keySet()) {
          names.add(dialect.quote(column));
          placeholders.add(dialect.parameter(type(column), quotedSchema));
        }
        return "INSERT INTO " + target + " (" + String.join(", ", names) + ") VALUES (" + String.join(", ", placeholders) + ")";
      }
      case UPDATE: {
        List<String> sets = new ArrayList<>();
        for (String column : values.keySet()) {
          sets.add(dialect.quote(column) + " = " + dialect.parameter(type(column), quotedSchema));
        }
        return "UPDATE " + target + " SET " + String.join(", ", sets) + where(dialect, quotedSchema);
      }
      case DELETE:
        return "DELETE FROM " + target + where(dialect, quotedSchema);
      default:
        return "TRUNCATE TABLE " + target;
    }
  }

  List<String> parameters() {
    List<String> parameters = new ArrayList<>();
    if (values != null) {
      parameters.addAll(values.values());
    }
    if (key != null) {
      parameters.addAll(key.values());
    }
    return parameters;
  }

  private String where(FuzzDialect dialect, String quotedSchema) {
    List<String> equalities = new ArrayList<>();
    for (String column : key.keySet()) {
      equalities.add(dialect.quote(column) + " = " + dialect.parameter(type(column), quotedSchema));
    }
    return " WHERE " + String.join(" AND ", equalities);
  }

  private FuzzType type(String column) {
    for (FuzzTable.Column each : table.columns) {
      if (each.name.equals(column)) {
        return each.type;
      }
    }
    throw new IllegalArgumentException(table.qualifiedName() + " has no column " + column);
  }

  @Override
  public String toString() {
    return kind + " " + table.qualifiedName() + (key == null ? "" : " " + key) + (values == null ? "" : " " + values.keySet());
  }
}
