package dev.lakesync.serving.sinks;

import dev.lakesync.common.config.ServingConfig;
import java.util.ArrayList;
import java.util.List;

/** Opens the sinks a pipeline config names, in the order it names them. */
public final class Sinks {
  private Sinks() {
  }

  /** The sinks, ready to write documents of these types (indexes and containers checked or created). */
  public static List<DocumentSink> open(ServingConfig config, List<DocumentType> types) throws Exception {
    List<DocumentSink> sinks = new ArrayList<>();
    try {
      for (ServingConfig.Sink sink : config.sinks()) {
        switch (sink) {
          case LOCAL:
            sinks.add(LocalDocumentStore.open(config.local().orElseThrow(), types));
            break;
          case SEARCH:
            sinks.add(SearchIndexSink.open(config.search().orElseThrow(), types));
            break;
          case COSMOS:
            sinks.add(CosmosDocumentSink.open(config.cosmos().orElseThrow(), types));
            break;
          default:
            throw new IllegalArgumentException("serving.sinks: unknown sink " + sink);
        }
      }
      return sinks;
    } catch (Exception e) {
      sinks.forEach(DocumentSink::close);
      throw e;
    }
  }

  /** The first configured sink that serves point reads. */
  public static DocumentLookup lookup(ServingConfig config) throws Exception {
    for (ServingConfig.Sink sink : config.sinks()) {
      if (sink == ServingConfig.Sink.COSMOS) {
        return CosmosDocumentSink.open(config.cosmos().orElseThrow());
      }
      if (sink == ServingConfig.Sink.LOCAL) {
        return LocalDocumentStore.open(config.local().orElseThrow());
      }
    }
    throw new IllegalArgumentException("serving.sinks: none of " + config.sinks() + " serves point reads (local, cosmos)");
  }

  /** The first configured sink that serves search. */
  public static DocumentSearch search(ServingConfig config) throws Exception {
    for (ServingConfig.Sink sink : config.sinks()) {
      if (sink == ServingConfig.Sink.SEARCH) {
        return SearchIndexSink.open(config.search().orElseThrow());
      }
      if (sink == ServingConfig.Sink.LOCAL) {
        return LocalDocumentStore.open(config.local().orElseThrow());
      }
    }
    throw new IllegalArgumentException("serving.sinks: none of " + config.sinks() + " serves search (search, local)");
  }
}
