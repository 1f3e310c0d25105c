package dev.lakesync.serving.sinks;

import java.util.Objects;

/**
 * One customer's serving document, or its deletion. {@code sourcePos} is the newest source position the document
 * reflects (contract 3's {@code _source_pos} order): a sink never replaces a document holding a newer one.
 */
public final class CustomerDocument {
  private final String id;
  private final String partitionKey;
  private final String sourcePos;
  private final String json;

  private CustomerDocument(String id, String partitionKey, String sourcePos, String json) {
    this.id = Objects.requireNonNull(id, "id");
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
    this.sourcePos = Objects.requireNonNull(sourcePos, "sourcePos");
    this.json = json;
  }

  /** @param json the whole document as a JSON object, including {@code id} and {@code sourcePos} */
  public static CustomerDocument upsert(String id, String partitionKey, String sourcePos, String json) {
    return new CustomerDocument(id, partitionKey, sourcePos, Objects.requireNonNull(json, "json"));
  }

  public static CustomerDocument delete(String id, String partitionKey, String sourcePos) {
    return new CustomerDocument(id, partitionKey, sourcePos, null);
  }

  public String id() {
    return id;
  }

  public String partitionKey() {
    return partitionKey;
  }

  public String sourcePos() {
    return sourcePos;
  }

  public boolean isDelete() {
    return json == null;
  }

  /** The document as JSON; null for a delete. */
  public String json() {
    return json;
  }

  @Override
  public String toString() {
    return (isDelete() ? "delete " : "upsert ") + id + " @" + sourcePos;
  }
}
