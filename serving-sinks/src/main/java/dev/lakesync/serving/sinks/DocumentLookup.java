package dev.lakesync.serving.sinks;

import java.util.Optional;
import java.util.Set;

/** Point reads of documents (the API's read path), and the ids a store holds (for verify). */
public interface DocumentLookup extends AutoCloseable {
  /**
   * The document's JSON, empty when there is none (or it was deleted).
   *
   * @param partitionKey the document's partition key, or null when unknown (a store that needs it then searches)
   */
  Optional<String> get(String type, String id, String partitionKey) throws Exception;

  /** The ids of every live document of the type. */
  Set<String> ids(String type) throws Exception;

  @Override
  void close();
}
