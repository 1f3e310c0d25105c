package dev.lakesync.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakesync.common.LakePaths;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The processor's record after each batch, under {@code _state/stream-processor/consistent-points/}: the source
 * transactions it has seen only part of ({@link TransactionLedger}) and, when there are none, a consistent point:
 * each validated table's Delta version at which no source transaction is half applied. Downstream stages read the
 * validated tables as of the newest point, so they never publish part of a transaction. One file per batch, written
 * beside and renamed, numbered in order; the newest few are kept.
 */
public final class ConsistentPoints {
  public static final String FOLDER = "consistent-points";
  private static final int KEEP = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A point: each validated table's Delta version (by schema.table) at which every source transaction is whole. */
  public static final class Point {
    private final long sequence;
    private final String lastTransaction;
    private final Map<String, Long> versions;

    Point(long sequence, String lastTransaction, Map<String, Long> versions) {
      this.sequence = sequence;
      this.lastTransaction = lastTransaction;
      this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    public long sequence() {
      return sequence;
    }

    /** The id of the newest source transaction applied whole at this point (null before any END marker). */
    public String lastTransaction() {
      return lastTransaction;
    }

    /** The version of {@code table} (schema.table) at this point; empty when the table did not exist yet. */
    public Optional<Long> version(String table) {
      return Optional.ofNullable(versions.get(table));
    }
  }

  /** One batch's record: the ledger after it, and its point when no transaction was open. */
  public static final class Entry {
    public final long sequence;
    public final TransactionLedger ledger;
    /** The id of the newest source transaction whose END marker had been read. */
    public final String lastTransaction;
    public final Point point;

    Entry(long sequence, TransactionLedger ledger, String lastTransaction, Point point) {
      this.sequence = sequence;
      this.ledger = ledger;
      this.lastTransaction = lastTransaction;
      this.point = point;
    }
  }

  private final Path folder;
  private final Configuration hadoop;

  public ConsistentPoints(LakePaths paths, Configuration hadoop) {
    this.folder = new Path(paths.state(LakePaths.PROCESSOR) + "/" + FOLDER);
    this.hadoop = hadoop;
  }

  /**
   * The version of each validated table (by schema.table) a reader uses now: its version at the newest consistent
   * point (-1 when it did not exist yet), or its newest version when the processor has recorded no point (a lake
   * written before points were). One call reads the point once, so every table of one read is at the same point.
   */
  public static ToLongFunction<String> readableVersions(SparkSession spark, LakePaths paths) {
    Optional<Point> point;
    try {
      point = new ConsistentPoints(paths, spark.sparkContext().hadoopConfiguration()).newest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the consistent points under " + paths.state(LakePaths.PROCESSOR), e);
    }
    if (point.isPresent()) {
      return table -> point.get().version(table).orElse(-1L);
    }
    return table -> DeltaTables.newestVersion(spark, paths.validated(table.substring(0, table.indexOf('.')),
        table.substring(table.indexOf('.') + 1)));
  }

  /** The newest consistent point, or empty when the processor has recorded none (a lake from before points). */
  public Optional<Point> newest() throws IOException {
    List<Path> files = files();
    for (int i = files.size() - 1; i >= 0; i--) {
      Entry entry = read(files.get(i));
      if (entry != null && entry.point != null) {
        return Optional.of(entry.point);
      }
    }
    return Optional.empty();
  }

  /** The newest record, or empty before the first batch. */
  public Optional<Entry> newestEntry() throws IOException {
    List<Path> files = files();
    for (int i = files.size() - 1; i >= 0; i--) {
      Entry entry = read(files.get(i));
      if (entry != null) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /**
   * Records a batch's ledger and the newest source transaction whose END marker was read, and when {@code versions}
   * is not null, its consistent point: those versions, with that transaction applied whole.
   */
  public void record(long sequence, long batchId, TransactionLedger ledger, String lastTransaction, Map<String, Long> versions)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("sequence", sequence);
    root.put("batch_id", batchId);
    root.put("recorded_ms", System.currentTimeMillis());
    root.set("ledger", JSON.readTree(ledger.toJson()));
    root.put("last_transaction", lastTransaction);
    if (versions != null) {
      ObjectNode point = root.putObject("versions");
      versions.forEach(point::put);
    }
    Path file = new Path(folder, String.format(Locale.ROOT, "%020d.json", sequence));
    Path temporary = new Path(folder, "." + file.getName() + ".tmp");
    FileSystem fs = folder.getFileSystem(hadoop);
    try (OutputStream out = fs.create(temporary, true)) {
      out.write(JSON.writeValueAsBytes(root));
    }
    fs.delete(file, false);
    if (!fs.rename(temporary, file)) {
      throw new IOException("could not record the consistent point " + file);
    }
    prune(fs, versions != null);
  }

  /** Keeps the newest {@value #KEEP} records and, when {@code pointWritten} is false, the newest point among older. */
  private void prune(FileSystem fs, boolean pointWritten) throws IOException {
    List<Path> files = files();
    boolean keptPoint = pointWritten;
    for (int i = files.size() - KEEP - 1; i >= 0; i--) {
      if (!keptPoint) {
        Entry entry = read(files.get(i));
        if (entry != null && entry.point != null) {
          keptPoint = true;
          continue;
        }
      }
      fs.delete(files.get(i), false);
    }
  }

  private List<Path> files() throws IOException {
    FileSystem fs = folder.getFileSystem(hadoop);
    List<Path> files = new ArrayList<>();
    try {
      for (FileStatus status : fs.listStatus(folder)) {
        if (status.getPath().getName().matches("[0-9]{20}\\.json")) {
          files.add(status.getPath());
        }
      }
    } catch (FileNotFoundException e) {
      return files;
    }
    files.sort((a, b) -> a.getName().compareTo(b.getName()));
    return files;
  }

  private Entry read(Path file) throws IOException {
    JsonNode root;
    try (InputStream in = file.getFileSystem(hadoop).open(file)) {
      root = JSON.readTree(in);
    } catch (FileNotFoundException e) {
      return null; // pruned meanwhile
    }
    long sequence = root.path("sequence").asLong();
    TransactionLedger ledger = TransactionLedger.fromJson(root.path("ledger").toString());
    Point point = null;
    if (root.has("versions")) {
      Map<String, Long> versions = new LinkedHashMap<>();
      root.path("versions").fields().forEachRemaining(table -> versions.put(table.getKey(), table.getValue().asLong()));
      point = new Point(sequence, root.path("last_transaction").textValue(), versions);
    }
    return new Entry(sequence, ledger, root.path("last_transaction").textValue(), point);
  }
}
