package dev.lakesync.bench.fuzz;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The tables and changes of one seed, made up from the seed alone so that a failing seed runs again the same way:
 * odd column names, composite keys, nullable columns, large values; inserts, updates of some columns, deletes, key
 * changes and truncates, in transactions that span tables. Round 0 is what the initial snapshot reads; each later
 * round is captured and processed on its own, either in one micro-batch or spread over many small ones.
 */
final class FuzzWorkload {
  /** Names that need care in a lake: spaces, accents, symbols, a leading digit, the processor's own, SQL keywords. */
  private static final List<String> ODD_NAMES = List.of("Order Date", "größe", "price$", "_op", "offset", "topic", "2nd",
      "Amount", "select", "a-b", "x.y", "_source_pos", "naïve café", "UPPER", "_kafka_offset", "value", "key");
  private static final List<String> KEY_NAMES = List.of("id", "k2", "k3");

  /** One round: transactions, then capture and processing in this many micro-batches (about). */
  static final class Round {
    final List<List<FuzzChange>> transactions = new ArrayList<>();
    final int batches;

    Round(int batches) {
      this.batches = batches;
    }

    int changes() {
      int count = 0;
      for (List<FuzzChange> transaction : transactions) {
        count += transaction.size();
      }
      return count;
    }
  }

  final long seed;
  final String schema;
  final List<FuzzTable> tables = new ArrayList<>();
  final List<Round> rounds = new ArrayList<>();

  private final Random random;
  private final FuzzDialect dialect;
  private final Map<FuzzTable, List<Map<String, String>>> liveKeys = new LinkedHashMap<>();
  private int counter;

  private FuzzWorkload(long seed, FuzzDialect dialect, int changeRounds) {
    this.seed = seed;
    this.schema = "fz" + seed;
    this.random = new Random(seed);
    this.dialect = dialect;
    int tableCount = 1 + random.nextInt(3);
    for (int t = 0; t < tableCount; t++) {
      FuzzTable table = table(dialect, random.nextInt(5) == 0 ? "T" + t + "_Mixed" : "t" + t);
      tables.add(table);
      liveKeys.put(table, new ArrayList<>());
    }
    Round snapshot = new Round(1);
    for (FuzzTable table : tables) {
      List<FuzzChange> inserts = new ArrayList<>();
      int rows = random.nextInt(25);
      for (int i = 0; i < rows; i++) {
        inserts.add(insert(table));
      }
      snapshot.transactions.add(inserts);
    }
    rounds.add(snapshot);
    for (int r = 0; r < changeRounds; r++) {
      List<List<FuzzChange>> transactions = new ArrayList<>();
      int count = 5 + random.nextInt(40);
      for (int t = 0; t < count; t++) {
        List<FuzzChange> transaction = new ArrayList<>();
        int size = 1 + random.nextInt(4);
        for (int c = 0; c < size; c++) {
          transaction.add(change(tables.get(random.nextInt(tables.size()))));
        }
        transactions.add(transaction);
      }
      // Half the rounds in one micro-batch, the others cut into two or three, across transactions.
      Round round = new Round(random.nextBoolean() ? 1 : 2 + random.nextInt(2));
      round.transactions.addAll(transactions);
      rounds.add(round);
    }
  }

  static FuzzWorkload generate(long seed, FuzzDialect dialect) {
    return new FuzzWorkload(seed, dialect, 3);
  }

  int changes() {
    int count = 0;
    for (Round round : rounds) {
      count += round.changes();
    }
    return count;
  }

  private FuzzTable table(FuzzDialect dialect, String name) {
    List<FuzzType> keyTypes = new ArrayList<>();
    List<FuzzType> valueTypes = new ArrayList<>();
    List<FuzzType> largeTypes = new ArrayList<>();
    for (FuzzType type : dialect.types()) {
      (type.large ? largeTypes : valueTypes).add(type);
      if (type.keyable()) {
        keyTypes.add(type);
      }
    }
    List<FuzzTable.Column> columns = new ArrayList<>();
    List<String> key = new ArrayList<>();
    Set<String> used = new HashSet<>();
    int keySize = random.nextInt(10) < 7 ? 1 : random.nextInt(5) == 0 ? 3 : 2;
    for (int k = 0; k < keySize; k++) {
      String keyName = KEY_NAMES.get(k);
      columns.add(new FuzzTable.Column(keyName, keyTypes.get(random.nextInt(keyTypes.size())), false));
      key.add(keyName);
      used.add(keyName);
    }
    int dataColumns = 1 + random.nextInt(6);
    for (int c = 0; c < dataColumns; c++) {
      columns.add(new FuzzTable.Column(columnName(used, c), valueTypes.get(random.nextInt(valueTypes.size())),
          random.nextInt(5) != 0));
    }
    boolean large = random.nextInt(5) < 2;
    if (large) {
      columns.add(new FuzzTable.Column(columnName(used, dataColumns), largeTypes.get(random.nextInt(largeTypes.size())), true));
    }
    return new FuzzTable(schema, name, columns, key, large && dialect.leavesLargeValuesOut() && random.nextBoolean());
  }

  /** An odd name now and then (never two differing only in case), else c0, c1... */
  private String columnName(Set<String> used, int index) {
    String name = random.nextInt(5) < 2 ? ODD_NAMES.get(random.nextInt(ODD_NAMES.size())) : "c" + index;
    while (!used.add(name.toLowerCase(Locale.ROOT))) {
      name = "c" + index + "_" + random.nextInt(1000);
    }
    return name;
  }

  private FuzzChange change(FuzzTable table) {
    List<Map<String, String>> keys = liveKeys.get(table);
    int dice = random.nextInt(100);
    if (keys.isEmpty() || dice < 40) {
      return insert(table);
    }
    Map<String, String> key = keys.get(random.nextInt(keys.size()));
    if (dice < 52) {
      keys.remove(key);
      return new FuzzChange(FuzzChange.Kind.DELETE, table, null, key);
    }
    if (dice == 52 && random.nextInt(3) == 0) {
      keys.clear();
      return new FuzzChange(FuzzChange.Kind.TRUNCATE, table, null, null);
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<FuzzTable.Column> data = table.dataColumns();
    if ((dice < 60 || data.isEmpty()) && keyChangeCapturedWhole(table)) {
      Map<String, String> newKey = newKey(table);
      values.putAll(newKey);
      keys.set(keys.indexOf(key), newKey);
    }
    for (FuzzTable.Column column : data) {
      if (random.nextInt(3) == 0 || values.isEmpty() && column == data.get(data.size() - 1)) {
        values.put(column.name, value(column));
      }
    }
    return new FuzzChange(FuzzChange.Kind.UPDATE, table, values, key);
  }

  /**
   * PostgreSQL sends a key change as a delete and an insert whose unchanged large values are left out, and nothing
   * says which row they came from, unless the table has REPLICA IDENTITY FULL (docs/lake.md); such key changes are
   * quarantined with that advice, so the fuzz makes them only where they are captured whole.
   */
  private boolean keyChangeCapturedWhole(FuzzTable table) {
    return !dialect.leavesLargeValuesOut() || !table.hasLargeColumn() || table.fullIdentity;
  }

  private FuzzChange insert(FuzzTable table) {
    Map<String, String> key = newKey(table);
    Map<String, String> values = new LinkedHashMap<>(key);
    for (FuzzTable.Column column : table.dataColumns()) {
      values.put(column.name, value(column));
    }
    liveKeys.get(table).add(key);
    return new FuzzChange(FuzzChange.Kind.INSERT, table, values, null);
  }

  /** A key no row has had: the first column's value comes from a counter, the others at random. */
  private Map<String, String> newKey(FuzzTable table) {
    int unique = ++counter;
    Map<String, String> key = new LinkedHashMap<>();
    for (FuzzTable.Column column : table.columns) {
      if (table.key.contains(column.name)) {
        key.put(column.name, column.type.key(random, key.isEmpty() ? unique : random.nextInt(3)));
      }
    }
    return key;
  }

  private String value(FuzzTable.Column column) {
    return column.nullable && random.nextInt(6) == 0 ? null : column.type.value(random);
  }
}
