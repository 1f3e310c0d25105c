package dev.lakesync.serving;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.config.DocumentDeclaration;
import dev.lakesync.common.config.WarehouseModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the documents of one declared type from the validated tables, as Spark plans: one JSON object per live root
 * row (its fields, the arrays of its children, their aggregates, columns looked up in parents) and its search fields
 * as a flat JSON object. Every step is named by its config key: built over empty tables it type-checks a declaration
 * and reports each problem at that key (see {@link DocumentResolver}).
 */
final class DocumentBuilder {
  /** Internal column names: no declared name starts with an underscore. */
  static final String ID = "_ls_id";
  static final String PARTITION_KEY = "_ls_pk";
  static final String JSON = "_ls_json";
  static final String SEARCH = "_ls_search";
  private static final String RANK = "_ls_rank";
  private static final String CHANGED = "_ls_changed";
  /**
   * A build of at most this many documents reads their root rows once into the driver and narrows each child table
   * to the rows that can belong to them, rather than joining whole tables to a plan recomputed at every use.
   */
  static final int FEW = 10_000;
  private static final Map<String, String> JSON_OPTIONS =
      Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "ignoreNullFields", "false");

  /** Where a step's analysis errors go; a step that fails yields null and the steps after it are skipped. */
  interface Problems {
    void add(String key, String message);
  }

  /** A step of a plan that may not analyze. */
  interface Step<T> {
    T run();
  }

  private final DocumentDeclaration declaration;
  private final List<String> rootKey;
  /** schema.table to every row at the version read (tombstones included). */
  private final Function<String, Dataset<Row>> rows;
  private final Problems problems;
  /** Set by {@link #build}: the top-level fields, and the search fields' types. */
  private List<String> fieldNames = List.of();
  private StructType searchSchema = new StructType();
  private StructType documentSchema = new StructType();
  /** schema.table to its changed rows in the range being synced, null when unchanged (AffectedDocuments). */
  private Function<String, Dataset<Row>> changes = table -> null;

  DocumentBuilder(DocumentDeclaration declaration, List<String> rootKey, Function<String, Dataset<Row>> rows,
      Problems problems) {
    this.declaration = declaration;
    this.rootKey = rootKey;
    this.rows = rows;
    this.problems = problems;
  }

  private <T> T step(String key, Step<T> step) {
    try {
      return step.run();
    } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown undeclared
      problems.add(key, analysisMessage(e));
      return null;
    }
  }

  /** The step's result, or null when it does not analyze (the caller then finds which key is wrong). */
  private static <T> T attempt(Step<T> step) {
    try {
      return step.run();
    } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown undeclared
      return null;
    }
  }

  /** The first line of Spark's message: the analyzer appends the whole plan. */
  static String analysisMessage(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  Dataset<Row> live(String table) {
    return rows.apply(table).where("_op <> 'd'");
  }

  /** The document id expression: declared, or the key itself (joined with ':' when it has several columns). */
  String idExpression() {
    if (declaration.id() != null) {
      return declaration.id();
    }
    if (rootKey.size() == 1) {
      return "`" + rootKey.get(0) + "`";
    }
    List<String> parts = new ArrayList<>();
    rootKey.forEach(column -> parts.add("`" + column + "`"));
    return "concat_ws(':', " + String.join(", ", parts) + ")";
  }

  /** The partition key expression over the root row: the id, or the declared partitionKey field's expression. */
  String partitionKeyExpression() {
    if (declaration.partitionKey().equals("id")) {
      return idExpression();
    }
    Object field = declaration.fields() == null ? null : declaration.fields().get(declaration.partitionKey());
    return field instanceof String ? (String) field : "`" + declaration.partitionKey() + "`";
  }

  /**
   * Columns {@link #ID} and {@link #PARTITION_KEY} (strings) of root rows, live or not: what a document is known by
   * even when its row is gone (a tombstone keeps only the key, which is all the two may read).
   */
  Dataset<Row> keysOf(Dataset<Row> rootRows) {
    return step("id", () -> rootRows.select(expr("CAST(" + idExpression() + " AS STRING)").alias(ID),
        expr("CAST(" + partitionKeyExpression() + " AS STRING)").alias(PARTITION_KEY)));
  }

  /**
   * Columns {@link #ID}, {@link #PARTITION_KEY}, {@link #JSON} and {@link #SEARCH}: the document of every live root
   * row, or only of those in {@code affected} (columns ID, PARTITION_KEY), where a key without a live row gives a
   * delete (null JSON). Null when the declaration does not analyze (the problems say why).
   */
  Dataset<Row> build(Dataset<Row> affected) {
    Dataset<Row> root = step("id", () -> live(declaration.table()).withColumn(ID, expr("CAST(" + idExpression() + " AS STRING)")));
    if (root == null) {
      return null;
    }
    boolean few = false;
    if (affected != null) {
      Dataset<Row>[] inDriver = inDriver(affected, root);
      if (inDriver != null) {
        affected = inDriver[0];
        root = inDriver[1];
        few = true;
      } else {
        Dataset<Row> wanted = affected.select(col(ID).alias("_ls_wanted"));
        root = root.join(wanted, root.col(ID).equalTo(wanted.col("_ls_wanted")), "left_semi");
      }
    }
    root = lookups(root, declaration.lookups(), "lookups");
    if (root == null) {
      return null;
    }
    List<String> added = new ArrayList<>();
    for (DocumentDeclaration.Child child : declaration.children().values()) {
      root = child(root, child, added, few);
      if (root == null) {
        return null;
      }
    }
    Dataset<Row> joined = root;
    Map<String, Object> fields = declaration.fields() != null ? declaration.fields() : defaultFields(joined, added);
    // Every field in one analysis of the plan (each analysis walks the whole plan); one by one only to name the key
    // of a field that does not analyze.
    Step<Dataset<Row>> allFields = () -> {
      List<Column> columns = new ArrayList<>();
      columns.add(col(ID));
      fields.forEach((name, field) -> columns.add(value(field).alias(name)));
      return joined.select(columns.toArray(new Column[0]));
    };
    Dataset<Row> documents = attempt(allFields);
    if (documents == null) {
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        if (step("fields." + field.getKey(), () -> joined.select(value(field.getValue()).alias(field.getKey()))) == null) {
          return null;
        }
      }
      step("fields", allFields);
      return null;
    }
    Column partitionKey = declaration.partitionKey().equals("id") ? col(ID)
        : step("partitionKey", () -> {
          Column column = col("`" + declaration.partitionKey() + "`").cast("string");
          documents.select(column).schema();
          return column;
        });
    if (partitionKey == null) {
      return null;
    }
    List<Column> jsonFields = new ArrayList<>();
    jsonFields.add(col(ID).alias("id"));
    fields.keySet().forEach(name -> jsonFields.add(col("`" + name + "`")));
    List<DocumentDeclaration.SearchField> declared = new ArrayList<>(declaration.search().values());
    List<Column> searchValues = new ArrayList<>();
    Step<StructType> allSearchFields = () -> {
      searchValues.clear();
      declared.forEach(field -> searchValues.add(expr(field.value()).alias(field.name())));
      return documents.select(searchValues.toArray(new Column[0])).schema();
    };
    StructType searchTypes = attempt(allSearchFields);
    if (searchTypes == null) {
      for (DocumentDeclaration.SearchField field : declared) {
        if (step("search." + field.name(), () -> documents.select(expr(field.value()))) == null) {
          return null;
        }
      }
      step("search", allSearchFields);
      return null;
    }
    List<Column> searchFields = new ArrayList<>();
    for (int i = 0; i < declared.size(); i++) {
      DataType type = searchTypes.fields()[i].dataType();
      Column column = expr(declared.get(i).value());
      // AI Search keeps dates as DateTimeOffset: a date goes as its midnight UTC
      if (type instanceof DateType) {
        column = column.cast("timestamp");
      } else if (type instanceof ArrayType && ((ArrayType) type).elementType() instanceof DateType) {
        column = column.cast("array<timestamp>");
      }
      searchFields.add(column.alias(declared.get(i).name()));
    }
    fieldNames = new ArrayList<>(fields.keySet());
    documentSchema = documents.schema();
    searchSchema = documents.select(searchFields.toArray(new Column[0])).schema();
    Column search = searchFields.isEmpty() ? lit("{}")
        : functions.to_json(functions.struct(searchFields.toArray(new Column[0])), JSON_OPTIONS);
    Dataset<Row> built = documents.select(col(ID), partitionKey.alias(PARTITION_KEY),
        functions.to_json(functions.struct(jsonFields.toArray(new Column[0])), JSON_OPTIONS).alias(JSON),
        search.alias(SEARCH));
    if (affected == null) {
      // Every document: the live rows' documents, and a delete for each tombstone.
      Dataset<Row> tombstones = keysOf(rows.apply(declaration.table()).where("_op = 'd'"));
      return built.unionByName(tombstones.select(col(ID), col(PARTITION_KEY),
          lit(null).cast("string").alias(JSON), lit(null).cast("string").alias(SEARCH)));
    }
    // Every asked-for document without a live row becomes a delete.
    return affected.join(built.drop(PARTITION_KEY), ID, "left").select(col(ID), col(PARTITION_KEY), col(JSON),
        col(SEARCH));
  }

  /**
   * The affected keys and the live root rows they ask for, read in one pass into local relations (which the plans
   * after it broadcast, and do not recompute from the Change Data Feed at every use); null when there are more
   * than {@link #FEW} of them.
   */
  @SuppressWarnings("unchecked")
  private static Dataset<Row>[] inDriver(Dataset<Row> affected, Dataset<Row> root) {
    // Aliased: the keys are often computed from the very rows they are joined with (a self-join)
    Dataset<Row> live = root.withColumn("_ls_live", lit(true)).as("_ls_r");
    List<Column> columns = new ArrayList<>();
    columns.add(col("_ls_a." + ID));
    columns.add(col("_ls_a." + PARTITION_KEY));
    for (String column : live.columns()) {
      columns.add(col("_ls_r.`" + column + "`"));
    }
    List<Row> joined = affected.as("_ls_a").join(live, col("_ls_a." + ID).equalTo(col("_ls_r." + ID)), "left")
        .select(columns.toArray(new Column[0])).limit(FEW + 1).collectAsList();
    if (joined.size() > FEW) {
      return null;
    }
    Set<Row> keys = new LinkedHashSet<>();
    List<Row> rootRows = new ArrayList<>();
    // A document that moves to another partition is asked for under both keys: its root rows are taken once
    Map<Object, Object> firstPartition = new HashMap<>();
    int width = root.columns().length;
    for (Row row : joined) {
      keys.add(RowFactory.create(row.get(0), row.get(1)));
      if (!firstPartition.containsKey(row.get(0))) {
        firstPartition.put(row.get(0), row.get(1));
      }
      if (!row.isNullAt(2 + width) && Objects.equals(firstPartition.get(row.get(0)), row.get(1))) {
        Object[] values = new Object[width];
        for (int i = 0; i < width; i++) {
          values[i] = row.get(2 + i);
        }
        rootRows.add(RowFactory.create(values));
      }
    }
    SparkSession spark = root.sparkSession();
    return new Dataset[] {
        spark.createDataFrame(new ArrayList<>(keys), affected.select(ID, PARTITION_KEY).schema()),
        spark.createDataFrame(rootRows, root.schema())};
  }

  /**
   * The fields a declaration without {@code fields} gets: every column of the root table but its metadata (and the
   * column the id already carries), then what lookups took, then each child's array and aggregates.
   */
  private Map<String, Object> defaultFields(Dataset<Row> root, List<String> added) {
    Map<String, Object> fields = new LinkedHashMap<>();
    String idColumn = declaration.id() == null && rootKey.size() == 1 ? rootKey.get(0) : null;
    for (String column : rows.apply(declaration.table()).columns()) {
      if (WarehouseModel.LAKE_METADATA.contains(column) || column.equals(idColumn)) {
        continue;
      }
      if (DocumentDeclaration.RESERVED_FIELDS.contains(column)) {
        problems.add("fields", "column '" + column + "' of " + declaration.table() + " has the name of a field "
            + "lakesync writes itself; declare fields to rename it");
        continue;
      }
      fields.put(column, "`" + column + "`");
    }
    for (DocumentDeclaration.Lookup lookup : declaration.lookups()) {
      lookup.take().keySet().forEach(name -> fields.put(name, "`" + name + "`"));
    }
    added.forEach(name -> fields.put(name, "`" + name + "`"));
    return fields;
  }

  /** A field's value: an expression, or for a nested mapping an object of its fields. */
  @SuppressWarnings("unchecked")
  static Column value(Object field) {
    if (field instanceof Map) {
      List<Column> nested = new ArrayList<>();
      ((Map<String, Object>) field).forEach((name, value) -> nested.add(value(value).alias(name)));
      return functions.struct(nested.toArray(new Column[0]));
    }
    return expr((String) field);
  }

  /** Left joins each parent's taken columns by its key (a missing parent leaves them null). */
  Dataset<Row> lookups(Dataset<Row> rows, List<DocumentDeclaration.Lookup> lookups, String key) {
    return lookups(rows, lookups, key, false);
  }

  /**
   * As {@link #lookups(Dataset, List, String)}; with {@code widened}, each parent's changed rows (pre- and
   * post-images) join too, and {@link #CHANGED} tells which rows met one (see AffectedDocuments).
   */
  Dataset<Row> lookups(Dataset<Row> start, List<DocumentDeclaration.Lookup> lookups, String key, boolean widened) {
    Dataset<Row> current = start;
    for (int i = 0; i < lookups.size(); i++) {
      DocumentDeclaration.Lookup lookup = lookups.get(i);
      Dataset<Row> joined = current;
      int index = i;
      current = step(key + "[" + i + "]", () -> {
        Dataset<Row> parent = widened ? AffectedDocuments.widened(this, lookup.table()) : live(lookup.table())
            .withColumn(CHANGED, lit(false));
        List<Column> selected = new ArrayList<>();
        List<String> matchColumns = new ArrayList<>(lookup.match().keySet());
        for (int m = 0; m < matchColumns.size(); m++) {
          selected.add(parent.col("`" + matchColumns.get(m) + "`").alias("_ls_l" + index + "_m" + m));
        }
        lookup.take().forEach((name, value) -> selected.add(expr(value).alias(name)));
        selected.add(col(CHANGED).alias("_ls_l" + index + "_changed"));
        Dataset<Row> taken = parent.select(selected.toArray(new Column[0]));
        Column condition = null;
        for (int m = 0; m < matchColumns.size(); m++) {
          Column equal = joined.col("`" + lookup.match().get(matchColumns.get(m)) + "`")
              .equalTo(taken.col("_ls_l" + index + "_m" + m));
          condition = condition == null ? equal : condition.and(equal);
        }
        Dataset<Row> result = joined.join(taken, condition, "left");
        for (int m = 0; m < matchColumns.size(); m++) {
          result = result.drop("_ls_l" + index + "_m" + m);
        }
        if (widened) {
          result = result.withColumn(CHANGED, col(CHANGED).or(functions.coalesce(col("_ls_l" + index + "_changed"),
              lit(false))));
        }
        return result.drop("_ls_l" + index + "_changed");
      });
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /**
   * Joins the child's array (and aggregates) to the root rows by the child's foreign key. {@code few}: the root rows
   * are the few documents a sync rebuilds, so only the child rows that can belong to them are looked up and grouped.
   */
  private Dataset<Row> child(Dataset<Row> root, DocumentDeclaration.Child child, List<String> added, boolean few) {
    String key = "children." + child.name();
    Dataset<Row> own = few ? step(key + ".match", () -> belongingTo(root, live(child.table()), child)) : live(child.table());
    if (own == null) {
      return null;
    }
    Dataset<Row> children = lookups(own, child.lookups(), key + ".lookups");
    if (children == null) {
      return null;
    }
    List<String> foreignKey = new ArrayList<>(child.match().keySet());
    Dataset<Row> linked = children;
    Dataset<Row> grouped = step(key, () -> {
      Dataset<Row> rowsOfChild = linked;
      if (child.orderBy() != null) {
        List<String> partition = new ArrayList<>();
        foreignKey.forEach(column -> partition.add("`" + column + "`"));
        rowsOfChild = rowsOfChild.withColumn(RANK, expr("row_number() OVER (PARTITION BY " + String.join(", ",
            partition) + " ORDER BY " + child.orderBy() + ")"));
      }
      Column element = element(rowsOfChild, child);
      List<Column> groupBy = new ArrayList<>();
      for (int i = 0; i < foreignKey.size(); i++) {
        groupBy.add(rowsOfChild.col("`" + foreignKey.get(i) + "`").alias("_ls_" + child.name() + "_k" + i));
      }
      List<Column> aggregates = new ArrayList<>();
      Column array;
      if (child.orderBy() != null) {
        Column kept = child.limit() == null ? functions.struct(col(RANK), element.alias("e"))
            : functions.when(col(RANK).leq(child.limit()), functions.struct(col(RANK), element.alias("e")));
        array = functions.transform(functions.array_sort(functions.collect_list(kept)), ranked -> ranked.getField("e"));
      } else {
        array = functions.array_sort(functions.collect_list(element));
      }
      aggregates.add(array.alias(child.name()));
      child.aggregates().forEach((name, value) -> aggregates.add(expr(value).alias(name)));
      return rowsOfChild.groupBy(groupBy.toArray(new Column[0]))
          .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]));
    });
    if (grouped == null) {
      return null;
    }
    return step(key + ".match", () -> {
      Column condition = null;
      for (int i = 0; i < foreignKey.size(); i++) {
        Column equal = root.col("`" + child.match().get(foreignKey.get(i)) + "`")
            .equalTo(grouped.col("_ls_" + child.name() + "_k" + i));
        condition = condition == null ? equal : condition.and(equal);
      }
      Dataset<Row> joined = root.join(grouped, condition, "left");
      for (int i = 0; i < foreignKey.size(); i++) {
        joined = joined.drop("_ls_" + child.name() + "_k" + i);
      }
      // A root row without children has an empty array, not a missing one.
      joined = joined.withColumn(child.name(), functions.coalesce(col("`" + child.name() + "`"),
          functions.array().cast(grouped.schema().apply(child.name()).dataType())));
      added.add(child.name());
      added.addAll(child.aggregates().keySet());
      return joined;
    });
  }

  /**
   * The child rows whose foreign key can meet one of the root rows: by the key columns the child has itself, and by
   * those a lookup takes, through the parent rows whose taken value is a root's (a payment reaches its customer
   * through its account). Each step only drops rows that cannot match, so the result is exact after the lookups.
   */
  private Dataset<Row> belongingTo(Dataset<Row> root, Dataset<Row> rows, DocumentDeclaration.Child child) {
    List<String> own = List.of(rows.columns());
    Map<String, String> ownKey = new LinkedHashMap<>();
    child.match().forEach((column, rootColumn) -> {
      if (own.contains(column)) {
        ownKey.put("`" + column + "`", rootColumn);
      }
    });
    Dataset<Row> result = ownKey.isEmpty() ? rows : meeting(rows, ownKey, root);
    for (DocumentDeclaration.Lookup lookup : child.lookups()) {
      Map<String, String> taken = new LinkedHashMap<>();
      child.match().forEach((column, rootColumn) -> {
        if (!own.contains(column) && lookup.take().containsKey(column)) {
          taken.put(lookup.take().get(column), rootColumn);
        }
      });
      if (taken.isEmpty() || !own.containsAll(lookup.match().values())) {
        continue; // matched on a column an earlier lookup takes: left whole
      }
      Dataset<Row> parents = meeting(live(lookup.table()), taken, root);
      List<Column> parentKey = new ArrayList<>();
      List<String> parentColumns = new ArrayList<>(lookup.match().keySet());
      for (int m = 0; m < parentColumns.size(); m++) {
        parentKey.add(parents.col("`" + parentColumns.get(m) + "`").alias("_ls_p" + m));
      }
      Dataset<Row> keys = parents.select(parentKey.toArray(new Column[0]));
      Column condition = null;
      for (int m = 0; m < parentColumns.size(); m++) {
        Column equal = result.col("`" + lookup.match().get(parentColumns.get(m)) + "`").equalTo(keys.col("_ls_p" + m));
        condition = condition == null ? equal : condition.and(equal);
      }
      result = result.join(keys, condition, "left_semi");
    }
    return result;
  }

  /** The rows where each expression (over the rows) equals the named column of some root row. */
  private static Dataset<Row> meeting(Dataset<Row> rows, Map<String, String> expressionToRootColumn, Dataset<Row> root) {
    List<Column> wanted = new ArrayList<>();
    List<String> expressions = new ArrayList<>(expressionToRootColumn.keySet());
    for (int i = 0; i < expressions.size(); i++) {
      wanted.add(root.col("`" + expressionToRootColumn.get(expressions.get(i)) + "`").alias("_ls_w" + i));
    }
    Dataset<Row> roots = root.select(wanted.toArray(new Column[0]));
    Column condition = null;
    for (int i = 0; i < expressions.size(); i++) {
      Column equal = expr(expressions.get(i)).equalTo(roots.col("_ls_w" + i));
      condition = condition == null ? equal : condition.and(equal);
    }
    return rows.join(roots, condition, "left_semi");
  }

  /** One array element: the declared fields, or every column of the child table but its metadata. */
  private static Column element(Dataset<Row> rowsOfChild, DocumentDeclaration.Child child) {
    if (child.fields() != null) {
      return value(child.fields());
    }
    List<Column> columns = new ArrayList<>();
    for (String column : rowsOfChild.columns()) {
      if (!WarehouseModel.LAKE_METADATA.contains(column) && !column.startsWith("_ls_")) {
        columns.add(col("`" + column + "`"));
      }
    }
    return functions.struct(columns.toArray(new Column[0]));
  }

  /** The top-level fields of the last {@link #build} (besides id and sourcePos). */
  List<String> fieldNames() {
    return fieldNames;
  }

  /** The documents' columns (id, then the top-level fields) and Spark types as of the last {@link #build}. */
  StructType documentSchema() {
    return documentSchema;
  }

  /** The search fields' names and Spark types as of the last {@link #build}. */
  StructType searchSchema() {
    return searchSchema;
  }

  /** Sets what changed in the range being synced, for {@link AffectedDocuments}. */
  DocumentBuilder changes(Function<String, Dataset<Row>> changed) {
    this.changes = changed;
    return this;
  }

  /** The table's changed rows in the range (pre- and post-images), or null when it did not change. */
  Dataset<Row> changesOf(String table) {
    return changes.apply(table);
  }

  DocumentDeclaration declaration() {
    return declaration;
  }

  Function<String, Dataset<Row>> rows() {
    return rows;
  }
}
