package dev.lakesync.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.serving.ExpectedDocuments;
import dev.lakesync.serving.sinks.DocumentLookup;
import dev.lakesync.serving.sinks.Sinks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;

/**
 * Each declared document type's store against the documents built from the lake with the same declaration: every
 * id (a live root row has a document, a document has a live root row), and the whole content of a sample.
 */
final class DocumentCheck {
  /** Documents compared field by field per type; the ids are all compared. */
  static final int SAMPLE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DocumentCheck() {
  }

  /** Adds each differing document to {@code mismatches} (key "type id"); returns the documents found. */
  static long run(PipelineConfig config, SparkSession spark, Map<String, List<String>> mismatches, PrintStream out)
      throws Exception {
    ExpectedDocuments expected = new ExpectedDocuments(config, spark);
    if (!expected.missingTables().isEmpty()) {
      out.println("verify: serving not compared: " + String.join(", ", expected.missingTables())
          + " not in the lake yet");
      return 0;
    }
    long found = 0;
    try (DocumentLookup lookup = Sinks.lookup(config.serving().orElseThrow())) {
      for (String type : expected.types()) {
        Map<String, String> ids = expected.ids(type);
        Set<String> stored = lookup.ids(type);
        List<String> both = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(ids.keySet());
        all.addAll(stored);
        for (String id : all) {
          if (!ids.containsKey(id)) {
            mismatches.computeIfAbsent(type + " " + id, k -> new ArrayList<>()).add("serving: a document without "
                + "a live row");
          } else if (!stored.contains(id)) {
            mismatches.computeIfAbsent(type + " " + id, k -> new ArrayList<>()).add("serving: no document");
          } else {
            both.add(id);
          }
        }
        // A sample spread over the ids, the same one each run.
        both.sort(Comparator.comparingInt((String id) -> id.hashCode() * 0x9E3779B1).thenComparing(id -> id));
        List<String> sample = both.subList(0, Math.min(SAMPLE, both.size()));
        Map<String, String> documents = expected.documents(type, sample);
        int differing = 0;
        for (String id : sample) {
          Optional<String> actual = lookup.get(type, id, ids.get(id));
          String difference = actual.isEmpty() ? "no document"
              : JsonDifference.of(JSON.readTree(documents.get(id)), JSON.readTree(actual.get()));
          if (!difference.isEmpty()) {
            differing++;
            mismatches.computeIfAbsent(type + " " + id, k -> new ArrayList<>()).add("serving: " + difference);
          }
        }
        found += both.size();
        out.printf("verify: serving %s documents=%d live_rows=%d compared_in_full=%d differing=%d%n", type,
            stored.size(), ids.size(), sample.size(), differing);
      }
    }
    return found;
  }
}
