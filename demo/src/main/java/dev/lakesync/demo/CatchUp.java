package dev.lakesync.demo;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.common.config.WarehouseConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether each stage has caught up with the one before it, read from what the stages leave behind (no stage is
 * asked): the stream-processor's committed Kafka offsets against the topics' end offsets, the warehouse's load state
 * and the serving progress files against the validated tables' newest Delta versions.
 */
final class CatchUp {
  private static final Pattern TOPIC = Pattern.compile("\"([^\"]+)\":\\{([^}]*)\\}");
  private static final Pattern PARTITION = Pattern.compile("\"(\\d+)\":(\\d+)");

  private final PipelineConfig config;
  private final Path lake;

  CatchUp(PipelineConfig config) {
    this.config = config;
    this.lake = Path.of(new LakePaths(config.lake().root()).root().replaceFirst("^file:", ""));
  }

  /** The newest committed micro-batch has read every topic partition it knows to its end. */
  boolean processCaughtUp() throws Exception {
    Path checkpoint = lake.resolve("_checkpoints/stream-processor/main");
    long newest = newestNumberedFile(checkpoint.resolve("offsets"), "");
    if (newest < 0 || !Files.exists(checkpoint.resolve("commits").resolve(Long.toString(newest)))) {
      return false;
    }
    List<String> lines = Files.readAllLines(checkpoint.resolve("offsets").resolve(Long.toString(newest)), StandardCharsets.UTF_8);
    Map<TopicPartition, Long> read = new HashMap<>();
    Matcher topics = TOPIC.matcher(lines.get(lines.size() - 1));
    while (topics.find()) {
      Matcher partitions = PARTITION.matcher(topics.group(2));
      while (partitions.find()) {
        read.put(new TopicPartition(topics.group(1), Integer.parseInt(partitions.group(1))), Long.parseLong(partitions.group(2)));
      }
    }
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.broker().bootstrapServers()));
    try (Admin admin = Admin.create(properties)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      read.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get();
      for (Map.Entry<TopicPartition, Long> entry : read.entrySet()) {
        if (ends.get(entry.getKey()).offset() > entry.getValue()) {
          return false;
        }
      }
    }
    return !read.isEmpty();
  }

  /** The warehouse's model state holds, for every dimension and fact, its validated table's newest version. */
  boolean warehouseCaughtUp() throws Exception {
    if (config.warehouse().isEmpty()) {
      return true;
    }
    WarehouseConfig warehouse = config.warehouse().get();
    Map<String, Long> loaded = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(warehouse.jdbcUrl(), warehouse.jdbcProperties());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT source, min(last_version) FROM "
            + Identifiers.quoteAnsi(warehouse.schema()) + "._lakesync_model_state GROUP BY source")) {
      while (rows.next()) {
        loaded.put(rows.getString(1), rows.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      return false; // not loaded yet
    }
    for (TableConfig table : config.tables()) {
      boolean read = false;
      for (dev.lakesync.common.config.WarehouseModel model : warehouse.models()) {
        read |= table.qualifiedName().equals(model.from());
      }
      if (!read) {
        loaded.put(table.qualifiedName(), Long.MAX_VALUE); // no model reads it: nothing to wait for
      }
    }
    return holdsNewest(loaded);
  }

  /** Every serving sink's saved progress holds every validated table's newest version. */
  boolean servingCaughtUp() throws IOException {
    if (config.serving().isEmpty()) {
      return true;
    }
    for (ServingConfig.Sink sink : config.serving().get().sinks()) {
      Path file = lake.resolve("_state/serving-sync/progress-" + sink.name().toLowerCase(java.util.Locale.ROOT) + ".properties");
      if (!Files.exists(file)) {
        return false;
      }
      Properties progress = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        progress.load(reader);
      }
      Map<String, Long> versions = new HashMap<>();
      // Table keys are schema.table; the saved sourcePos (_source_pos) is not a version.
      progress.stringPropertyNames().stream().filter(key -> key.contains("."))
          .forEach(table -> versions.put(table, Long.parseLong(progress.getProperty(table).trim())));
      if (!holdsNewest(versions)) {
        return false;
      }
    }
    return true;
  }

  private boolean holdsNewest(Map<String, Long> versions) throws IOException {
    for (TableConfig table : config.tables()) {
      long newest = newestNumberedFile(lake.resolve("validated").resolve(table.schema()).resolve(table.table())
          .resolve("_delta_log"), ".json");
      if (newest >= 0 && versions.getOrDefault(table.qualifiedName(), -1L) < newest) {
        return false;
      }
    }
    return true;
  }

  /** The largest N of the files named N (or N + suffix) in a folder; -1 when there is none. */
  static long newestNumberedFile(Path folder, String suffix) throws IOException {
    if (!Files.isDirectory(folder)) {
      return -1;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(suffix) && name.substring(0, name.length() - suffix.length()).matches("\\d+"))
          .mapToLong(name -> Long.parseLong(name.substring(0, name.length() - suffix.length())))
          .max().orElse(-1);
    }
  }
}
