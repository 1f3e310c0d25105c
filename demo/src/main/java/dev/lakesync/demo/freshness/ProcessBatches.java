package dev.lakesync.demo.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The stream-processor's per-batch records ({@code _state/stream-processor/batches/batch-<id>.json}), read as they
 * appear: the lake's freshness per table (batch end minus the newest source commit it applied) and the quarantine
 * counts by reason. A replayed batch rewrites its own file, so each batch id counts once.
 */
public final class ProcessBatches {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;
  private final Map<Long, Batch> batches = new TreeMap<>();

  public ProcessBatches(PipelineConfig config) {
    this.folder = Path.of(new LakePaths(config.lake().root()).state(LakePaths.PROCESSOR).replaceFirst("^file:", ""), "batches");
  }

  /** One micro-batch as the stage recorded it. */
  public static final class Batch {
    public final long id;
    public final long endedAtMs;
    public final Map<String, Long> lagMsByTable = new TreeMap<>();
    public final Map<String, Long> quarantinedByReason = new TreeMap<>();

    Batch(long id, long endedAtMs) {
      this.id = id;
      this.endedAtMs = endedAtMs;
    }
  }

  /** Reads the batch files not read yet; returns every batch so far, oldest first. */
  public synchronized List<Batch> refresh() throws IOException {
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.list(folder)) {
        for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
          Path file = it.next();
          String name = file.getFileName().toString();
          if (!name.startsWith("batch-") || !name.endsWith(".json")) {
            continue;
          }
          long id = Long.parseLong(name.substring(6, name.length() - 5));
          if (!batches.containsKey(id)) {
            Batch batch = read(id, file);
            if (batch != null) {
              batches.put(id, batch);
            }
          }
        }
      }
    }
    return new ArrayList<>(batches.values());
  }

  private static Batch read(long id, Path file) {
    JsonNode record;
    try {
      record = JSON.readTree(file.toFile());
    } catch (IOException e) {
      return null; // being written: read it next time
    }
    if (record == null || !record.has("ended_at_ms")) {
      return null;
    }
    Batch batch = new Batch(id, record.get("ended_at_ms").asLong());
    record.path("lag_ms_by_table").fields().forEachRemaining(e -> batch.lagMsByTable.put(e.getKey(), e.getValue().asLong()));
    record.path("quarantined_by_reason").fields()
        .forEachRemaining(e -> batch.quarantinedByReason.put(e.getKey(), e.getValue().asLong()));
    return batch;
  }
}
