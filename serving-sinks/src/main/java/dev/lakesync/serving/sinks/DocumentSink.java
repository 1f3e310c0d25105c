package dev.lakesync.serving.sinks;

import java.util.List;

/** Where serving-sync writes documents: Cosmos DB, AI Search or the local stand-in store. */
public interface DocumentSink extends AutoCloseable {
  /** The sink's config name (local, cosmos, search): it names its saved progress too. */
  String name();

  /**
   * Writes upserts and deletes of the types the sink was opened with; returns once the store confirmed every one
   * (or declined it as older than what it holds). Throws when a document could not be written after the retries.
   */
  SinkResult write(List<Document> documents) throws Exception;

  /**
   * Requests (or items of a batch) the service refused for its rate (429, or AI Search's 503) since the sink opened,
   * each retried: the sink throttling a stage's metrics show. 0 for a store that does not throttle.
   */
  default long throttled() {
    return 0;
  }

  @Override
  void close();
}
