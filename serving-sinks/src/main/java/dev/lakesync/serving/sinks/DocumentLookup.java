package dev.lakesync.serving.sinks;

import java.util.Optional;

/** Point reads of one document by id and partition key (the API's read path). */
public interface DocumentLookup extends AutoCloseable {
  /** The document's JSON, empty when there is none (or it was deleted). */
  Optional<String> get(String id, String partitionKey) throws Exception;

  @Override
  void close();
}
