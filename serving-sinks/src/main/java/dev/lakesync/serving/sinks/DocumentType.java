package dev.lakesync.serving.sinks;

import java.util.List;

/**
 * What a sink needs to know of a declared document type once its fields are typed (by serving-sync, from the lake's
 * schemas): its name, its top-level fields, the field holding the partition key, and its search index fields.
 */
public final class DocumentType {
  private final String name;
  private final List<String> fields;
  private final String partitionKey;
  private final List<IndexField> searchFields;

  public DocumentType(String name, List<String> fields, String partitionKey, List<IndexField> searchFields) {
    this.name = name;
    this.fields = List.copyOf(fields);
    this.partitionKey = partitionKey;
    this.searchFields = List.copyOf(searchFields);
  }

  public String name() {
    return name;
  }

  /** Top-level fields besides {@code id} and {@code sourcePos}, in document order. */
  public List<String> fields() {
    return fields;
  }

  /** The top-level field whose value is the partition key ({@code id} when the type declares none). */
  public String partitionKey() {
    return partitionKey;
  }

  public List<IndexField> searchFields() {
    return searchFields;
  }
}
