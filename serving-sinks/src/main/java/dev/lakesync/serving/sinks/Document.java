package dev.lakesync.serving.sinks;

import java.util.Objects;

/**
 * One serving document of a declared type, or its deletion. {@code sourcePos} is the newest source position the
 * document reflects ({@code _source_pos} order): a sink never replaces a document holding a newer one.
 */
public final class Document {
  private final String type;
  private final String id;
  private final String partitionKey;
  private final String sourcePos;
  private final String json;
  private final String searchJson;

  private Document(String type, String id, String partitionKey, String sourcePos, String json, String searchJson) {
    this.type = Objects.requireNonNull(type, "type");
    this.id = Objects.requireNonNull(id, "id");
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
    this.sourcePos = Objects.requireNonNull(sourcePos, "sourcePos");
    this.json = json;
    this.searchJson = searchJson;
  }

  /**
   * @param json       the whole document as a JSON object, including {@code id} and {@code sourcePos}
   * @param searchJson the document's search fields as a flat JSON object ({@code {}} when the type declares none)
   */
  public static Document upsert(String type, String id, String partitionKey, String sourcePos, String json,
      String searchJson) {
    return new Document(type, id, partitionKey, sourcePos, Objects.requireNonNull(json, "json"),
        Objects.requireNonNull(searchJson, "searchJson"));
  }

  public static Document delete(String type, String id, String partitionKey, String sourcePos) {
    return new Document(type, id, partitionKey, sourcePos, null, null);
  }

  /** The declared document type. */
  public String type() {
    return type;
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

  /** The search index fields as one flat JSON object, without id and sourcePos; null for a delete. */
  public String searchJson() {
    return searchJson;
  }

  @Override
  public String toString() {
    return (isDelete() ? "delete " : "upsert ") + type + " " + id + " @" + sourcePos;
  }
}
