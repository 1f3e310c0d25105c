package dev.lakesync.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Per sink, the validated tables' Delta versions whose changes that sink has confirmed, the {@code sourcePos} its
 * documents of that sync carry, and the fingerprint of each document type it holds, in {@code _state/serving-sync/progress-<sink>.properties} under the lake root (a
 * local path or ADLS). Saved only after the sink confirmed every document of a sync, so a crash before that re-sends
 * the same documents.
 */
final class SyncProgress {
  /** The key of the sourcePos (table keys are schema.table, so they always hold a dot). */
  static final String SOURCE_POS = "_source_pos";
  /** The key of the document types' fingerprints: {@code type:fingerprint,...}. */
  static final String DOCUMENTS = "_documents";

  /** What a sink confirmed. */
  static final class Confirmed {
    /** Per table, the Delta version; empty when the sink has never been synced. */
    final Map<String, Long> versions;
    /** The sourcePos of the documents of that sync; null in files written before it was kept. */
    final String sourcePos;
    /** Per document type, the fingerprint of the declaration its documents were built with. */
    final Map<String, String> documents;

    Confirmed(Map<String, Long> versions, String sourcePos, Map<String, String> documents) {
      this.versions = versions;
      this.sourcePos = sourcePos;
      this.documents = documents;
    }
  }

  private final Path folder;
  private final Configuration hadoop;

  SyncProgress(String stateFolder, Configuration hadoop) {
    this.folder = new Path(stateFolder);
    this.hadoop = hadoop;
  }

  /** What the sink confirmed; no versions when it has never been synced. */
  Confirmed load(String sink) throws IOException {
    Path file = file(sink);
    FileSystem fs = file.getFileSystem(hadoop);
    Map<String, Long> versions = new HashMap<>();
    if (!fs.exists(file)) {
      return new Confirmed(versions, null, Map.of());
    }
    Properties properties = new Properties();
    try (InputStream in = fs.open(file)) {
      properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    }
    for (String table : properties.stringPropertyNames()) {
      if (table.equals(SOURCE_POS) || table.equals(DOCUMENTS)) {
        continue;
      }
      try {
        versions.put(table, Long.parseLong(properties.getProperty(table).trim()));
      } catch (NumberFormatException e) {
        throw new IOException("unreadable version for " + table + " in " + file + ": '"
            + properties.getProperty(table) + "' (delete the file to re-send every document)", e);
      }
    }
    Map<String, String> documents = new HashMap<>();
    for (String entry : properties.getProperty(DOCUMENTS, "").split(",")) {
      int colon = entry.indexOf(':');
      if (colon > 0) {
        documents.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
      }
    }
    return new Confirmed(versions, properties.getProperty(SOURCE_POS), documents);
  }

  /** Written beside, then renamed over the old file, so a crash leaves the old or the new versions. */
  void save(String sink, Map<String, Long> versions, String sourcePos, Map<String, String> documents)
      throws IOException {
    Path file = file(sink);
    Path temporary = new Path(folder, "." + file.getName() + ".tmp");
    FileSystem fs = file.getFileSystem(hadoop);
    StringBuilder text = new StringBuilder("# Delta versions of the validated tables whose changes sink '")
        .append(sink).append("' confirmed\n");
    versions.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(entry -> text.append(entry.getKey()).append('=').append(entry.getValue()).append('\n'));
    text.append(SOURCE_POS).append('=').append(sourcePos).append('\n'); // positions are [0-9A-Za-z:/._-]
    StringBuilder types = new StringBuilder();
    documents.forEach((type, fingerprint) -> types.append(types.length() == 0 ? "" : ",").append(type).append(':')
        .append(fingerprint));
    text.append(DOCUMENTS).append('=').append(types).append('\n'); // type names are [a-z0-9_]
    try (OutputStream out = fs.create(temporary, true)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
    if (!fs.rename(temporary, file)) {
      fs.delete(file, false);
      if (!fs.rename(temporary, file)) {
        throw new IOException("could not save " + file);
      }
    }
  }

  private Path file(String sink) {
    return new Path(folder, "progress-" + sink + ".properties");
  }
}
