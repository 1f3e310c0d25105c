package dev.lakesync.serving;

import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.DocumentDeclaration;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.IndexField;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Checks the declared document types against the validated tables' schemas: every expression is analyzed by Spark
 * over empty tables of those schemas (no data read), search fields are typed, and the rules a sync relies on are
 * checked. Reports every problem at once, each at its key path, or the tables the lake does not hold yet.
 */
final class DocumentResolver {
  /** What resolving found: the types, or the problems, or the tables still missing from the lake. */
  static final class Result {
    final List<ResolvedDocument> documents;
    final List<String> problems;
    final List<String> missingTables;

    Result(List<ResolvedDocument> documents, List<String> problems, List<String> missingTables) {
      this.documents = List.copyOf(documents);
      this.problems = List.copyOf(problems);
      this.missingTables = List.copyOf(missingTables);
    }

    /**
     * This result, when the declarations work on the lake's tables.
     *
     * @throws StageMain.ConfigProblem naming every key that does not
     */
    Result checked() {
      if (!problems.isEmpty()) {
        throw new StageMain.ConfigProblem("the serving documents do not match the lake:\n  "
            + String.join("\n  ", problems));
      }
      return this;
    }
  }

  private final SparkSession spark;
  /** schema.table to the validated table's schema, empty when the lake does not hold it yet. */
  private final Function<String, Optional<StructType>> lakeSchema;
  /** schema.table to its configured key columns. */
  private final Function<String, List<String>> keyOf;

  DocumentResolver(SparkSession spark, Function<String, Optional<StructType>> lakeSchema,
      Function<String, List<String>> keyOf) {
    this.spark = spark;
    this.lakeSchema = lakeSchema;
    this.keyOf = keyOf;
  }

  Result resolve(List<DocumentDeclaration> declared) {
    Set<String> missing = new LinkedHashSet<>();
    Map<String, StructType> schemas = new HashMap<>();
    for (DocumentDeclaration declaration : declared) {
      for (String table : declaration.tables()) {
        Optional<StructType> schema = lakeSchema.apply(table);
        if (schema.isPresent()) {
          schemas.put(table, schema.get());
        } else {
          missing.add(table);
        }
      }
    }
    if (!missing.isEmpty()) {
      return new Result(List.of(), List.of(), new ArrayList<>(missing));
    }
    List<String> problems = new ArrayList<>();
    List<ResolvedDocument> resolved = new ArrayList<>();
    for (DocumentDeclaration declaration : declared) {
      int before = problems.size();
      String prefix = "serving.documents." + declaration.type();
      DocumentBuilder.Problems at = (key, message) -> problems.add(prefix + (key.isEmpty() ? "" : "." + key) + ": "
          + message);
      ResolvedDocument document = resolve(declaration, schemas, at);
      if (problems.size() == before && document != null) {
        resolved.add(document);
      }
    }
    return problems.isEmpty() ? new Result(resolved, problems, List.of()) : new Result(List.of(), problems, List.of());
  }

  private ResolvedDocument resolve(DocumentDeclaration declaration, Map<String, StructType> schemas,
      DocumentBuilder.Problems at) {
    List<String> rootKey = keyOf.apply(declaration.table());
    if (rootKey.isEmpty()) {
      at.add("table", declaration.table() + " is declared without a key (appendOnly): a document type needs the key "
          + "of its root table for its ids; declare the table's key under tables:, or make it a child of another type");
      return null;
    }
    checkLookups(declaration.lookups(), "lookups", at);
    declaration.children().values().forEach(child -> checkLookups(child.lookups(), "children." + child.name()
        + ".lookups", at));
    Map<String, Dataset<Row>> empty = new HashMap<>();
    Function<String, Dataset<Row>> rows = table -> empty.computeIfAbsent(table,
        name -> spark.createDataFrame(List.<Row>of(), schemas.get(name)));
    DocumentBuilder builder = new DocumentBuilder(declaration, rootKey, rows, at);
    if (builder.build(null) == null) {
      return null;
    }
    checkKeyOnly(builder, declaration, rootKey, schemas.get(declaration.table()), at);
    if (!declaration.partitionKey().equals("id")) {
      DataType type = builder.documentSchema().apply(declaration.partitionKey()).dataType();
      if (!(type instanceof StringType)) {
        at.add("partitionKey", "the field '" + declaration.partitionKey() + "' is of type " + type.simpleString()
            + "; a partition key is text: declare it as CAST(... AS STRING)");
      }
    }
    List<IndexField> searchFields = new ArrayList<>();
    for (StructField field : builder.searchSchema().fields()) {
      DocumentDeclaration.SearchField declared = declaration.search().get(field.name());
      boolean collection = field.dataType() instanceof ArrayType;
      DataType valueType = collection ? ((ArrayType) field.dataType()).elementType() : field.dataType();
      Optional<IndexField.Kind> kind = kindOf(valueType);
      if (kind.isEmpty()) {
        at.add("search." + field.name(), "'" + declared.value() + "' is of type " + field.dataType().simpleString()
            + ", which a search index field cannot hold (text, numbers, booleans, dates and times, or lists of "
            + "them); select a scalar from it or cast it");
        continue;
      }
      try {
        searchFields.add(new IndexField(field.name(), kind.get(), collection, declared.searchable(),
            declared.filterable(), declared.facetable(), declared.sortable()));
      } catch (IllegalArgumentException e) {
        at.add("search." + field.name(), e.getMessage());
      }
    }
    DocumentType type = new DocumentType(declaration.type(), builder.fieldNames(), declaration.partitionKey(),
        searchFields);
    return new ResolvedDocument(declaration, rootKey, type, fingerprint(declaration, builder));
  }

  /** A lookup meets one parent row at most: its match names the parent's whole key. */
  private void checkLookups(List<DocumentDeclaration.Lookup> lookups, String key, DocumentBuilder.Problems at) {
    for (int i = 0; i < lookups.size(); i++) {
      DocumentDeclaration.Lookup lookup = lookups.get(i);
      List<String> parentKey = keyOf.apply(lookup.table());
      if (!new LinkedHashSet<>(parentKey).equals(lookup.match().keySet())) {
        at.add(key + "[" + i + "].match", "must name the key of " + lookup.table() + " (" + String.join(", ",
            parentKey) + "), so that each row meets one parent at most; it names " + String.join(", ",
            lookup.match().keySet()));
      }
    }
  }

  /** A deleted root row keeps only its key: the id and the partition key must be computed from that alone. */
  private void checkKeyOnly(DocumentBuilder builder, DocumentDeclaration declaration, List<String> rootKey,
      StructType rootSchema, DocumentBuilder.Problems at) {
    StructType keyOnly = new StructType();
    for (String column : rootKey) {
      keyOnly = keyOnly.add(rootSchema.apply(column));
    }
    Dataset<Row> keys = spark.createDataFrame(List.<Row>of(), keyOnly);
    String explain = " must be computed from the key of " + declaration.table() + " (" + String.join(", ", rootKey)
        + ") alone: a deleted row keeps only its key, and its document must still be found: ";
    try {
      keys.selectExpr(builder.idExpression()).schema();
    } catch (Exception e) { // AnalysisException is checked, thrown undeclared
      at.add("id", "the id" + explain + DocumentBuilder.analysisMessage(e));
      return;
    }
    try {
      keys.selectExpr(builder.partitionKeyExpression()).schema();
    } catch (Exception e) { // AnalysisException is checked, thrown undeclared
      at.add("partitionKey", "the partition key" + explain + DocumentBuilder.analysisMessage(e));
    }
  }

  /** The search index type of a Spark type; decimals go as doubles, dates as their midnight. */
  static Optional<IndexField.Kind> kindOf(DataType type) {
    if (type instanceof StringType) {
      return Optional.of(IndexField.Kind.STRING);
    }
    if (type instanceof IntegerType || type instanceof ShortType || type instanceof ByteType) {
      return Optional.of(IndexField.Kind.INT32);
    }
    if (type instanceof LongType) {
      return Optional.of(IndexField.Kind.INT64);
    }
    if (type instanceof DoubleType || type instanceof FloatType || type instanceof DecimalType) {
      return Optional.of(IndexField.Kind.DOUBLE);
    }
    if (type instanceof BooleanType) {
      return Optional.of(IndexField.Kind.BOOLEAN);
    }
    if (type instanceof TimestampType) {
      return Optional.of(IndexField.Kind.DATE_TIME);
    }
    return Optional.empty();
  }

  /** Digest of everything a document's content depends on besides the rows: the declaration and the typed shape. */
  private static String fingerprint(DocumentDeclaration declaration, DocumentBuilder builder) {
    StringBuilder text = new StringBuilder();
    text.append(declaration.table()).append('|').append(declaration.id()).append('|')
        .append(declaration.partitionKey()).append('|').append(declaration.fields());
    appendLookups(text, declaration.lookups());
    for (DocumentDeclaration.Child child : declaration.children().values()) {
      text.append("|child ").append(child.name()).append(' ').append(child.table()).append(' ').append(child.match())
          .append(' ').append(child.fields()).append(' ').append(child.orderBy()).append(' ').append(child.limit())
          .append(' ').append(child.aggregates());
      appendLookups(text, child.lookups());
    }
    for (DocumentDeclaration.SearchField field : declaration.search().values()) {
      text.append("|search ").append(field.name()).append(' ').append(field.value()).append(field.searchable())
          .append(field.filterable()).append(field.facetable()).append(field.sortable());
    }
    text.append('|').append(builder.documentSchema().catalogString()).append('|')
        .append(builder.searchSchema().catalogString());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        hex.append(String.format("%02x", digest[i]));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void appendLookups(StringBuilder text, List<DocumentDeclaration.Lookup> lookups) {
    lookups.forEach(lookup -> text.append("|lookup ").append(lookup.table()).append(' ').append(lookup.match())
        .append(' ').append(lookup.take()));
  }
}
