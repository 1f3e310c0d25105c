package dev.lakesync.serving.sinks;

import java.util.List;

/** Full-text search over a document type's searchable fields, with filters on its filterable ones. */
public interface DocumentSearch extends AutoCloseable {
  /** Best matches first, as JSON documents (the search projection, or the whole document for the local store). */
  List<String> search(SearchQuery query) throws Exception;

  @Override
  void close();
}
