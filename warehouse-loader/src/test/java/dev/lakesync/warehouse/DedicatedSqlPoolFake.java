package dev.lakesync.warehouse;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for a JDBC connection to a Synapse dedicated SQL pool, which has no local equivalent. It
 * runs no SQL; it refuses what the pool's documentation says the pool refuses, records every statement (those run
 * inside a transaction marked {@code [txn] }), and answers the loader's few queries from what it recorded.
 *
 * <p>Refused, as the pool does: DDL inside a user transaction; savepoints; sp_getapplock (not in the pool);
 * IS DISTINCT FROM; ANSI joins in the FROM clause of UPDATE and DELETE (joins inside a derived table there are
 * taken as allowed: the documentation does not say otherwise); COPY INTO from anything but an https URL, and Parquet read with
 * the managed identity from anything but the Data Lake (dfs) endpoint; COPY into a table that does not exist; MERGE
 * that inserts into a table not HASH-distributed, or not ended by a semicolon; an enforced primary key.
 */
final class DedicatedSqlPoolFake {
  private static final Pattern DDL = Pattern.compile(
      "\\b(CREATE|DROP|ALTER|TRUNCATE)\\s+(TABLE|SCHEMA|INDEX|VIEW|STATISTICS)\\b|EXEC\\(N'CREATE", Pattern.CASE_INSENSITIVE);
  private static final Pattern CREATE_TABLE = Pattern.compile(
      "CREATE TABLE (\\S+) .*?WITH \\(DISTRIBUTION = (HASH|REPLICATE|ROUND_ROBIN)", Pattern.DOTALL);
  private static final Pattern DROP_TABLE = Pattern.compile("DROP TABLE (\\S+)$");
  private static final Pattern COPY = Pattern.compile("^COPY INTO (\\S+) .*? FROM '([^']*)'(.*)$", Pattern.DOTALL);
  private static final Pattern MERGE = Pattern.compile("^MERGE (\\S+) ");
  private static final Pattern INSERT = Pattern.compile("^INSERT INTO (\\S+) ");
  private static final Pattern HTTPS_DFS = Pattern.compile("https://[a-z0-9]+\\.dfs\\.core\\.windows\\.net/.+");

  /** Every statement in order; inside a transaction prefixed "[txn] ". */
  final List<String> executed = new ArrayList<>();
  /** Tables that exist, with their distribution. */
  final Map<String, String> tables = new TreeMap<>();
  /** The load state: model to last loaded version, as committed. */
  final Map<String, Long> loadState = new HashMap<>();
  /** Who holds the load lease, and until when. */
  String leaseHolder;
  Instant leaseEnd = Instant.EPOCH;

  private final Set<String> withRows = new HashSet<>();
  private final Map<String, Long> pendingState = new HashMap<>();
  private final Set<String> pendingRows = new HashSet<>();
  private boolean autoCommit = true;

  Connection connect() {
    autoCommit = true;
    return proxy(Connection.class, (self, method, args) -> {
      switch (method.getName()) {
        case "createStatement":
          return statement(null);
        case "prepareStatement":
          return statement((String) args[0]);
        case "setAutoCommit":
          if (!autoCommit && (Boolean) args[0]) {
            commit();
          }
          autoCommit = (Boolean) args[0];
          return null;
        case "getAutoCommit":
          return autoCommit;
        case "commit":
          commit();
          return null;
        case "rollback":
          pendingState.clear();
          pendingRows.clear();
          return null;
        case "setSavepoint":
          throw new SQLException("Savepoints are not supported in dedicated SQL pool transactions.");
        case "close":
        case "clearWarnings":
          return null;
        case "isClosed":
          return false;
        default:
          throw new UnsupportedOperationException("the fake pool connection has no " + method.getName());
      }
    });
  }

  /** Refuses {@code sql} as the pool would; otherwise records it and returns its result rows (null: an update). */
  private List<Object[]> run(String sql, List<Object> parameters) throws SQLException {
    String text = sql.trim();
    executed.add((autoCommit ? "" : "[txn] ") + text);
    if (!autoCommit && DDL.matcher(text).find()) {
      throw new SQLException("Operation cannot be performed within a transaction. (" + first(text) + ")");
    }
    if (text.contains("sp_getapplock")) {
      throw new SQLException("Could not find stored procedure 'sp_getapplock'.");
    }
    if (text.contains("IS DISTINCT FROM")) {
      throw new SQLException("Incorrect syntax near 'DISTINCT'.");
    }
    if (text.matches("(?s)^(UPDATE|DELETE)\\b.*") && topLevel(text).matches("(?s).*\\bFROM\\b.*\\bJOIN\\b.*")) {
      throw new SQLException("ANSI joins are not supported in UPDATE and DELETE statements: " + first(text));
    }
    if (text.contains("PRIMARY KEY") && !text.contains("NOT ENFORCED")) {
      throw new SQLException("Enforced unique constraints are not supported. (" + first(text) + ")");
    }
    Matcher create = CREATE_TABLE.matcher(text);
    if (create.find()) {
      if (!tables.containsKey(create.group(1)) || !text.startsWith("IF OBJECT_ID")) {
        tables.put(create.group(1), create.group(2));
      }
    }
    Matcher drop = DROP_TABLE.matcher(text);
    if (drop.find()) {
      tables.remove(drop.group(1));
    }
    Matcher copy = COPY.matcher(text);
    if (copy.find()) {
      String location = copy.group(2);
      if (!location.startsWith("https://")) {
        throw new SQLException("COPY INTO: the location must be an https:// URL, got '" + location + "'");
      }
      if (copy.group(3).contains("Managed Identity") && copy.group(3).contains("PARQUET")
          && !HTTPS_DFS.matcher(location).matches()) {
        throw new SQLException("COPY INTO: Parquet with a managed identity is read from the dfs endpoint only: " + location);
      }
      if (!tables.containsKey(copy.group(1))) {
        throw new SQLException("Invalid object name '" + copy.group(1) + "'.");
      }
      rows(copy.group(1));
      return null;
    }
    Matcher merge = MERGE.matcher(text);
    if (merge.find()) {
      if (!text.endsWith(";")) {
        throw new SQLException("A MERGE statement must be terminated by a semi-colon (;).");
      }
      if (text.contains("WHEN NOT MATCHED THEN INSERT") && !"HASH".equals(tables.get(merge.group(1)))) {
        throw new SQLException("MERGE ... WHEN NOT MATCHED INSERT needs a HASH-distributed target: " + merge.group(1));
      }
      if (text.contains("_lakesync_model_state")) {
        (autoCommit ? loadState : pendingState).put((String) parameters.get(0), ((Number) parameters.get(2)).longValue());
      }
      return null;
    }
    Matcher insert = INSERT.matcher(text);
    if (insert.find()) {
      rows(insert.group(1));
    }
    return answer(text, parameters);
  }

  private List<Object[]> answer(String text, List<Object> parameters) {
    if (text.startsWith("SELECT model, last_version FROM")) {
      List<Object[]> rows = new ArrayList<>();
      loadState.forEach((model, version) -> rows.add(new Object[] {model, version}));
      return rows;
    }
    if (text.startsWith("SELECT CASE WHEN EXISTS (SELECT 1 FROM ")) {
      String table = text.substring("SELECT CASE WHEN EXISTS (SELECT 1 FROM ".length()).split("\\)")[0];
      return List.<Object[]>of(new Object[] {withRows.contains(table) || pendingRows.contains(table) ? 1 : 0});
    }
    if (text.startsWith("SELECT holder, expires_at FROM")) {
      return List.<Object[]>of(new Object[] {leaseHolder, leaseEnd.toString()});
    }
    if (text.contains("_lakesync_load_lease] SET holder = ?")) {
      String holder = (String) parameters.get(0);
      if (leaseHolder == null || leaseHolder.equals(holder) || leaseEnd.isBefore(Instant.now())) {
        leaseHolder = holder;
        leaseEnd = Instant.now().plusSeconds(60L * TsqlDialect.LEASE_MINUTES);
        return updated(1);
      }
      return updated(0);
    }
    if (text.contains("_lakesync_load_lease] SET holder = NULL")) {
      boolean held = parameters.get(0).equals(leaseHolder);
      if (held) {
        leaseHolder = null;
      }
      return updated(held ? 1 : 0);
    }
    return text.startsWith("SELECT") ? List.<Object[]>of(new Object[] {0}) : null;
  }

  private void rows(String table) {
    (autoCommit ? withRows : pendingRows).add(table);
  }

  private void commit() {
    loadState.putAll(pendingState);
    withRows.addAll(pendingRows);
    pendingState.clear();
    pendingRows.clear();
  }

  /** The statements run, without the transaction mark. */
  List<String> statements() {
    List<String> plain = new ArrayList<>();
    for (String statement : executed) {
      plain.add(statement.replaceFirst("^\\[txn\\] ", ""));
    }
    return plain;
  }

  private static final Object[] UPDATED = new Object[0];

  private static List<Object[]> updated(int count) {
    List<Object[]> marker = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      marker.add(UPDATED);
    }
    return marker;
  }

  private Object statement(String prepared) {
    List<Object> parameters = new ArrayList<>();
    List<List<Object>> batch = new ArrayList<>();
    Object[] last = new Object[1];
    Class<?> type = prepared == null ? Statement.class : PreparedStatement.class;
    return proxy(type, (self, method, args) -> {
      switch (method.getName()) {
        case "execute": {
          List<Object[]> result = run((String) args[0], parameters);
          last[0] = result;
          return result != null && !result.isEmpty() && result.get(0) != UPDATED;
        }
        case "executeQuery": {
          List<Object[]> result = run(prepared != null ? prepared : (String) args[0], parameters);
          return resultSet(result == null ? List.of() : result);
        }
        case "executeUpdate": {
          List<Object[]> result = run(prepared != null ? prepared : (String) args[0], parameters);
          return result == null ? 0 : result.size();
        }
        case "getUpdateCount":
          return last[0] == null ? 0 : -1;
        case "getResultSet":
          @SuppressWarnings("unchecked")
          List<Object[]> rows = (List<Object[]>) last[0];
          return resultSet(rows == null ? List.of() : rows);
        case "setString":
        case "setLong":
        case "setInt":
        case "setObject":
        case "setBigDecimal":
          while (parameters.size() < (Integer) args[0]) {
            parameters.add(null);
          }
          parameters.set((Integer) args[0] - 1, args[1]);
          return null;
        case "addBatch":
          batch.add(new ArrayList<>(parameters));
          return null;
        case "executeBatch": {
          int[] counts = new int[batch.size()];
          for (int i = 0; i < batch.size(); i++) {
            run(prepared, batch.get(i));
            counts[i] = 1;
          }
          batch.clear();
          return counts;
        }
        case "close":
        case "clearParameters":
          return null;
        default:
          throw new UnsupportedOperationException("the fake pool statement has no " + method.getName());
      }
    });
  }

  private static ResultSet resultSet(List<Object[]> rows) {
    int[] at = {-1};
    return proxy(ResultSet.class, (self, method, args) -> {
      switch (method.getName()) {
        case "next":
          return ++at[0] < rows.size();
        case "getString":
          return String.valueOf(rows.get(at[0])[(Integer) args[0] - 1]);
        case "getLong":
          return ((Number) rows.get(at[0])[(Integer) args[0] - 1]).longValue();
        case "getInt":
          return ((Number) rows.get(at[0])[(Integer) args[0] - 1]).intValue();
        case "close":
          return null;
        default:
          throw new UnsupportedOperationException("the fake pool result set has no " + method.getName());
      }
    });
  }

  /** {@code text} without what its parentheses hold (the documented limit is on the UPDATE's own FROM clause). */
  private static String topLevel(String text) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (char c : text.toCharArray()) {
      depth += c == '(' ? 1 : 0;
      if (depth == 0) {
        out.append(c);
      }
      depth -= c == ')' ? 1 : 0;
    }
    return out.toString();
  }

  private static String first(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T) Proxy.newProxyInstance(DedicatedSqlPoolFake.class.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "hashCode":
            return System.identityHashCode(self);
          case "equals":
            return self == args[0];
          default:
            return type.getSimpleName() + " of the fake pool";
        }
      }
      return handler.invoke(self, method, args == null ? new Object[0] : Arrays.copyOf(args, args.length));
    });
  }

  /** Statements run inside a transaction, upper-cased for matching. */
  List<String> inTransaction() {
    List<String> inside = new ArrayList<>();
    for (String statement : executed) {
      if (statement.startsWith("[txn] ")) {
        inside.add(statement.substring(6).toUpperCase(Locale.ROOT));
      }
    }
    return inside;
  }
}
