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
 * Per sink, the validated tables' Delta versions whose changes that sink has confirmed, in
 * {@code _state/serving-sync/progress-<sink>.properties} under the lake root (a local path or ADLS). Saved only
 * after the sink confirmed every document of a sync, so a crash before that re-sends the same documents.
 */
final class SyncProgress {
  private final Path folder;
  private final Configuration hadoop;

  SyncProgress(String stateFolder, Configuration hadoop) {
    this.folder = new Path(stateFolder);
    this.hadoop = hadoop;
  }

  /** The versions the sink confirmed; empty when it has never been synced (or its file is unreadable). */
  Map<String, Long> load(String sink) throws IOException {
    Path file = file(sink);
    FileSystem fs = file.getFileSystem(hadoop);
    Map<String, Long> versions = new HashMap<>();
    if (!fs.exists(file)) {
      return versions;
    }
    Properties properties = new Properties();
    try (InputStream in = fs.open(file)) {
      properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    }
    for (String table : properties.stringPropertyNames()) {
      try {
        versions.put(table, Long.parseLong(properties.getProperty(table).trim()));
      } catch (NumberFormatException e) {
        throw new IOException("unreadable version for " + table + " in " + file + ": '"
            + properties.getProperty(table) + "' (delete the file to re-send every document)", e);
      }
    }
    return versions;
  }

  /** Written beside, then renamed over the old file, so a crash leaves the old or the new versions. */
  void save(String sink, Map<String, Long> versions) throws IOException {
    Path file = file(sink);
    Path temporary = new Path(folder, "." + file.getName() + ".tmp");
    FileSystem fs = file.getFileSystem(hadoop);
    StringBuilder text = new StringBuilder("# Delta versions of the validated tables whose changes sink '")
        .append(sink).append("' confirmed\n");
    versions.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(entry -> text.append(entry.getKey()).append('=').append(entry.getValue()).append('\n'));
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
