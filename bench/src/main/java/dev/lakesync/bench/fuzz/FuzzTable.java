package dev.lakesync.bench.fuzz;

import java.util.ArrayList;
import java.util.List;

/** A table the fuzz made up: its schema, name, columns (key columns first) and key. */
final class FuzzTable {
  /** One column: its source name, type and whether it takes nulls. */
  static final class Column {
    final String name;
    final FuzzType type;
    final boolean nullable;

    Column(String name, FuzzType type, boolean nullable) {
      this.name = name;
      this.type = type;
      this.nullable = nullable;
    }
  }

  final String schema;
  final String name;
  final List<Column> columns;
  final List<String> key;
  /** PostgreSQL: the old row travels whole with each update and delete (large values included). */
  final boolean fullIdentity;

  FuzzTable(String schema, String name, List<Column> columns, List<String> key, boolean fullIdentity) {
    this.schema = schema;
    this.name = name;
    this.columns = columns;
    this.key = key;
    this.fullIdentity = fullIdentity;
  }

  boolean hasLargeColumn() {
    for (Column column : columns) {
      if (column.type.large) {
        return true;
      }
    }
    return false;
  }

  List<Column> dataColumns() {
    List<Column> data = new ArrayList<>();
    for (Column column : columns) {
      if (!key.contains(column.name)) {
        data.add(column);
      }
    }
    return data;
  }

  String qualifiedName() {
    return schema + "." + name;
  }

  /** The DDL, names quoted by the dialect. */
  List<String> createStatements(FuzzDialect dialect) {
    String create = createTable(dialect);
    return fullIdentity ? List.of(create, "ALTER TABLE " + dialect.quote(schema) + "." + dialect.quote(name)
        + " REPLICA IDENTITY FULL") : List.of(create);
  }

  private String createTable(FuzzDialect dialect) {
    String quotedSchema = dialect.quote(schema);
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + quotedSchema + "." + dialect.quote(name) + " (");
    for (Column column : columns) {
      ddl.append(dialect.quote(column.name)).append(' ').append(column.type.ddl(quotedSchema))
          .append(column.nullable ? "" : " NOT NULL").append(", ");
    }
    List<String> quotedKey = new ArrayList<>();
    for (String column : key) {
      quotedKey.add(dialect.quote(column));
    }
    return ddl.append("PRIMARY KEY (").append(String.join(", ", quotedKey)).append("))").toString();
  }

  /** The config line of this table. */
  String yaml() {
    return "{name: " + qualifiedName() + ", key: [" + String.join(", ", key) + "]}";
  }
}
