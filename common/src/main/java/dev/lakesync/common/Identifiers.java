package dev.lakesync.common;

import java.util.regex.Pattern;

/**
 * Validation and quoting of SQL identifiers built from config (schemas, tables, columns). Names are checked against
 * a conservative pattern first, then quoted for the dialect, so that no name can end a quoted identifier early.
 */
public final class Identifiers {
  private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private Identifiers() {
  }

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** Returns {@code name} or throws an error that names it. */
  public static String requireValid(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException("not a valid identifier: '" + name
          + "' (expected a letter or underscore, then letters, digits or underscores, at most 128)");
    }
    return name;
  }

  /** ANSI / PostgreSQL quoting: "name". */
  public static String quoteAnsi(String name) {
    return '"' + requireValid(name) + '"';
  }

  /** MySQL and MariaDB quoting: `name` (double quotes are strings there unless ANSI_QUOTES is set). */
  public static String quoteMysql(String name) {
    return '`' + requireValid(name) + '`';
  }

  /** T-SQL quoting: [name]. */
  public static String quoteTsql(String name) {
    return '[' + requireValid(name) + ']';
  }
}
