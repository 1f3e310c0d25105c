package dev.lakesync.stream;

/**
 * PostgreSQL leaves a large (TOASTed) value that an update did not change out of the change; cdc-connector writes a
 * placeholder in its place (see its ChangeHeaders), as text in a text column and as the placeholder's bytes in a
 * bytes column. The processor puts back the value the row had: from an earlier change of the same batch, else from
 * the validated table; never the placeholder.
 */
final class UnchangedToast {
  static final String PLACEHOLDER = "__lakesync_unchanged_toast";

  private UnchangedToast() {
  }

  /** Spark SQL: whether {@code value} (an expression of {@code column}'s type) is the placeholder. */
  static String test(ColumnSpec column, String value) {
    String placeholder = "'" + PLACEHOLDER + "'";
    return "(" + value + " <=> " + (column.sqlType.equals("BINARY") ? "CAST(" + placeholder + " AS BINARY)" : placeholder) + ")";
  }

  /** Spark SQL: whether any of the text and bytes {@code columns} of a parsed row holds the placeholder. */
  static String anyIn(java.util.List<ColumnSpec> columns) {
    java.util.List<String> tests = new java.util.ArrayList<>();
    for (ColumnSpec column : columns) {
      if (column.text) {
        tests.add(test(column, TableBatch.quote(column.name)));
      }
    }
    return tests.isEmpty() ? "false" : String.join(" OR ", tests);
  }
}
