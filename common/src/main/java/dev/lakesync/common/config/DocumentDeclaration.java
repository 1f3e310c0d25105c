package dev.lakesync.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One declared serving document type ({@code serving.documents.<type>}): a document per live row of a root table,
 * with fields computed from that row, arrays of child rows (one-to-many by a foreign key, ordered and limited),
 * small aggregates over those children, columns looked up in parent tables (many-to-one), and the fields a search
 * index keeps. Values are Spark SQL expressions, as in warehouse models; a mapping as a field's value is a nested
 * object. Immutable; table names are checked by {@link ServingConfig}, columns and types by serving-sync at start-up.
 */
public final class DocumentDeclaration {
  /** Fields every document carries, written by lakesync itself. */
  public static final Set<String> RESERVED_FIELDS = Set.of("id", "sourcePos");

  /** Document type names: a local-store value, a default Cosmos container and (dashes for underscores) index name. */
  private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  /** Document field names: what JSON, Cosmos DB patch paths and AI Search field names all take. */
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,127}");

  /** Columns of a parent table joined in by its key (many-to-one). */
  public static final class Lookup {
    private final String table;
    private final Map<String, String> match;
    private final Map<String, String> take;

    Lookup(String table, Map<String, String> match, Map<String, String> take) {
      this.table = table;
      this.match = match;
      this.take = take;
    }

    /** schema.table of the parent. */
    public String table() {
      return table;
    }

    /** Parent column to the column (of the looking-up side, or taken by an earlier lookup) it must equal. */
    public Map<String, String> match() {
      return match;
    }

    /** New column name to the parent's column (or expression over its columns). */
    public Map<String, String> take() {
      return take;
    }
  }

  /** An array of the rows of a child table whose foreign key points at the root row, and aggregates over them. */
  public static final class Child {
    private final String name;
    private final String table;
    private final Map<String, String> match;
    private final List<Lookup> lookups;
    private final Map<String, Object> fields;
    private final String orderBy;
    private final Integer limit;
    private final Map<String, String> aggregates;

    Child(String name, ConfigNode node) {
      this.name = name;
      this.table = node.get(ConfigOptions.Child.TABLE);
      Map<String, String> parsedMatch = node.get(ConfigOptions.Child.MATCH);
      this.match = parsedMatch == null ? Map.of() : parsedMatch;
      this.lookups = parseLookups(node.get(ConfigOptions.Child.LOOKUPS));
      this.fields = node.get(ConfigOptions.Child.FIELDS);
      this.orderBy = node.get(ConfigOptions.Child.ORDER_BY);
      this.limit = node.get(ConfigOptions.Child.LIMIT);
      if (limit != null && orderBy == null) {
        node.problem("limit", "needs orderBy: which rows are kept must not depend on chance");
      }
      Map<String, String> parsedAggregates = node.get(ConfigOptions.Child.AGGREGATES);
      this.aggregates = parsedAggregates == null ? Map.of() : parsedAggregates;
      if (fields != null) {
        checkFieldNames(node, "fields", fields);
      }
      node.rejectUnknownKeys();
    }

    /** The array's name in the document (a column the root's fields can name). */
    public String name() {
      return name;
    }

    public String table() {
      return table;
    }

    /** Child column to the root column it must equal. */
    public Map<String, String> match() {
      return match;
    }

    public List<Lookup> lookups() {
      return lookups;
    }

    /** Each element's fields (String expression or nested map), or null for every column of the child table. */
    public Map<String, Object> fields() {
      return fields;
    }

    /** A Spark SQL ORDER BY list over the child's columns ("created_at DESC, id DESC"), or null. */
    public String orderBy() {
      return orderBy;
    }

    /** At most this many elements, the first in {@link #orderBy()}; null for all. */
    public Integer limit() {
      return limit;
    }

    /** Name to aggregate expression over all the root row's children (not only the limited ones). */
    public Map<String, String> aggregates() {
      return aggregates;
    }
  }

  /** A field of the document type's search index and what the index may do with it. */
  public static final class SearchField {
    private final String name;
    private final String value;
    private final boolean searchable;
    private final boolean filterable;
    private final boolean facetable;
    private final boolean sortable;

    SearchField(String name, ConfigNode node) {
      this.name = name;
      this.value = node.get(ConfigOptions.SearchField.VALUE, name);
      this.searchable = node.get(ConfigOptions.SearchField.SEARCHABLE);
      this.filterable = node.get(ConfigOptions.SearchField.FILTERABLE);
      this.facetable = node.get(ConfigOptions.SearchField.FACETABLE);
      this.sortable = node.get(ConfigOptions.SearchField.SORTABLE);
      node.rejectUnknownKeys();
    }

    public String name() {
      return name;
    }

    /** An expression over the document's fields (e.g. {@code profile.name}, {@code accounts.balance}). */
    public String value() {
      return value;
    }

    public boolean searchable() {
      return searchable;
    }

    public boolean filterable() {
      return filterable;
    }

    public boolean facetable() {
      return facetable;
    }

    public boolean sortable() {
      return sortable;
    }
  }

  private final String type;
  private final String table;
  private final String id;
  private final String partitionKey;
  private final List<Lookup> lookups;
  private final Map<String, Object> fields;
  private final Map<String, Child> children;
  private final Map<String, SearchField> search;

  private DocumentDeclaration(String type, ConfigNode node) {
    this.type = type;
    if (!TYPE_NAME.matcher(type).matches()) {
      node.problem("", "document type '" + type + "' must be lower-case letters, digits and underscores, starting "
          + "with a letter (it names the Cosmos DB container and search index by default)");
    }
    this.table = node.get(ConfigOptions.Document.TABLE);
    this.id = node.get(ConfigOptions.Document.ID);
    this.partitionKey = node.get(ConfigOptions.Document.PARTITION_KEY);
    this.lookups = parseLookups(node.get(ConfigOptions.Document.LOOKUPS));
    this.fields = node.get(ConfigOptions.Document.FIELDS);
    Map<String, Child> parsedChildren = new LinkedHashMap<>();
    node.get(ConfigOptions.Document.CHILDREN).forEach((name, child) -> parsedChildren.put(name, new Child(name, child)));
    this.children = Collections.unmodifiableMap(parsedChildren);
    Map<String, SearchField> parsedSearch = new LinkedHashMap<>();
    node.get(ConfigOptions.Document.SEARCH).forEach((name, field) -> parsedSearch.put(name, new SearchField(name, field)));
    this.search = Collections.unmodifiableMap(parsedSearch);
    checkNames(node);
    node.rejectUnknownKeys();
  }

  static DocumentDeclaration from(String type, ConfigNode node) {
    return new DocumentDeclaration(type, node);
  }

  private static List<Lookup> parseLookups(List<ConfigNode> nodes) {
    List<Lookup> parsed = new ArrayList<>();
    for (ConfigNode lookup : nodes) {
      String table = lookup.get(ConfigOptions.DocumentLookup.TABLE);
      // not "on": YAML 1.1 reads that key as the boolean true
      Map<String, String> match = lookup.get(ConfigOptions.DocumentLookup.MATCH);
      Map<String, String> take = lookup.get(ConfigOptions.DocumentLookup.TAKE);
      lookup.rejectUnknownKeys();
      parsed.add(new Lookup(table, match == null ? Map.of() : match, take == null ? Map.of() : take));
    }
    return List.copyOf(parsed);
  }

  private void checkNames(ConfigNode node) {
    if (fields != null) {
      checkFieldNames(node, "fields", fields);
      for (String reserved : RESERVED_FIELDS) {
        if (fields.containsKey(reserved)) {
          node.problem("fields." + reserved, "'" + reserved + "' is written by lakesync itself (the id comes from "
              + "the id key); choose another name");
        }
      }
      if (!partitionKey.equals("id") && !fields.containsKey(partitionKey)) {
        node.problem("partitionKey", "'" + partitionKey + "' is not one of the document's fields ("
            + String.join(", ", fields.keySet()) + ")");
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (Child child : children.values()) {
      names.add(child.name());
      if (!FIELD_NAME.matcher(child.name()).matches()) {
        node.problem("children." + child.name(), "a child's name must be a plain field name (letters, digits, "
            + "underscores)");
      }
      for (String aggregate : child.aggregates().keySet()) {
        if (!names.add(aggregate)) {
          node.problem("children." + child.name() + ".aggregates." + aggregate, "the name is used twice among "
              + "the children and their aggregates");
        }
      }
    }
    for (SearchField field : search.values()) {
      if (!FIELD_NAME.matcher(field.name()).matches() || RESERVED_FIELDS.contains(field.name())) {
        node.problem("search." + field.name(), "a search field's name must be a plain field name other than "
            + String.join(" and ", RESERVED_FIELDS));
      }
    }
  }

  private static void checkFieldNames(ConfigNode node, String key, Map<String, Object> tree) {
    tree.forEach((name, value) -> {
      if (!FIELD_NAME.matcher(name).matches()) {
        node.problem(key + "." + name, "a field name must start with a letter and hold letters, digits and "
            + "underscores (what Cosmos DB paths and AI Search fields accept)");
      }
      if (value instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) value;
        checkFieldNames(node, key + "." + name, nested);
      }
    });
  }

  /** The document type's name. */
  public String type() {
    return type;
  }

  /** schema.table of the root: one document per live row. */
  public String table() {
    return table;
  }

  /** Expression over the root table's key columns giving the document id, or null for the key itself. */
  public String id() {
    return id;
  }

  /** The top-level field whose value is the document's partition key ({@code id} by default). */
  public String partitionKey() {
    return partitionKey;
  }

  public List<Lookup> lookups() {
    return lookups;
  }

  /** Top-level fields (String expression or nested map), or null for every root column and every child. */
  public Map<String, Object> fields() {
    return fields;
  }

  public Map<String, Child> children() {
    return children;
  }

  public Map<String, SearchField> search() {
    return search;
  }

  /** Every table the document reads, root first, each once. */
  public List<String> tables() {
    Set<String> all = new LinkedHashSet<>();
    all.add(table);
    lookups.forEach(lookup -> all.add(lookup.table()));
    for (Child child : children.values()) {
      all.add(child.table());
      child.lookups().forEach(lookup -> all.add(lookup.table()));
    }
    all.remove(null);
    return List.copyOf(all);
  }
}
