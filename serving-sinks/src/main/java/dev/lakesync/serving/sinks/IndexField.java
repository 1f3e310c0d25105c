package dev.lakesync.serving.sinks;

import java.util.Locale;

/** A typed search index field: its value type (one of AI Search's EDM types, or a collection of one) and uses. */
public final class IndexField {
  /** The value types a search index field may hold. */
  public enum Kind { STRING, INT32, INT64, DOUBLE, BOOLEAN, DATE_TIME }

  private final String name;
  private final Kind kind;
  private final boolean collection;
  private final boolean searchable;
  private final boolean filterable;
  private final boolean facetable;
  private final boolean sortable;

  public IndexField(String name, Kind kind, boolean collection, boolean searchable, boolean filterable,
      boolean facetable, boolean sortable) {
    this.name = name;
    this.kind = kind;
    this.collection = collection;
    this.searchable = searchable;
    this.filterable = filterable;
    this.facetable = facetable;
    this.sortable = sortable;
    if (searchable && kind != Kind.STRING) {
      throw new IllegalArgumentException("search field " + name + ": only text is searchable, this field holds "
          + kind.name().toLowerCase(Locale.ROOT) + " (make it filterable instead)");
    }
    if (sortable && collection) {
      throw new IllegalArgumentException("search field " + name + ": a list of values cannot be sortable");
    }
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public boolean collection() {
    return collection;
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
