package dev.lakesync.bench;

import dev.lakesync.common.Identifiers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;

/**
 * The floor of a warehouse load: the same rows moved with nothing else done, as a user would without lakesync. Spark
 * writes each table's live rows as CSV, and PostgreSQL's own COPY reads the files into a plain table (no key, no
 * index), one server process per file at once. No models, no history, no aggregates, no exactly-once bookkeeping.
 */
final class CopyFloor {
  private final String jdbcUrl;
  private final Path work;

  CopyFloor(String jdbcUrl, Path work) {
    this.jdbcUrl = jdbcUrl;
    this.work = work;
  }

  /** Copies every table's rows into schema {@code floor}; returns the rows copied. */
  long copy(List<String> names, List<Dataset<Row>> tables) throws Exception {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS floor CASCADE");
      statement.execute("CREATE SCHEMA floor");
      for (int i = 0; i < names.size(); i++) {
        statement.execute("CREATE TABLE floor." + Identifiers.requireValid(names.get(i)) + " (" + columns(tables.get(i)) + ")");
      }
    }
    List<Callable<Long>> copies = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Path folder = work.resolve("floor-" + names.get(i));
      tables.get(i).write().option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").csv(folder.toUri().toString());
      String table = "floor." + Identifiers.requireValid(names.get(i));
      for (Path file : csvFiles(folder)) {
        copies.add(() -> copyFile(table, file));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    try {
      long rows = 0;
      for (Future<Long> copied : pool.invokeAll(copies)) {
        rows += copied.get();
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }

  private long copyFile(String table, Path file) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      // A file the server reads itself (same machine); its path is ours, quoted as a literal, never data.
      return statement.executeUpdate("COPY " + table + " FROM '" + file.toAbsolutePath().toString().replace("'", "''")
          + "' (FORMAT csv)");
    }
  }

  private static List<Path> csvFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".csv")).sorted().collect(Collectors.toList());
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "postgres", "");
  }

  private static String columns(Dataset<Row> table) {
    List<String> columns = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      columns.add("\"" + Identifiers.requireValid(field.name()) + "\" " + type(field.dataType()));
    }
    return String.join(", ", columns);
  }

  private static String type(DataType type) {
    if (type instanceof DecimalType) {
      return "numeric(" + ((DecimalType) type).precision() + "," + ((DecimalType) type).scale() + ")";
    }
    if (type.equals(DataTypes.LongType)) {
      return "bigint";
    }
    if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType)) {
      return "integer";
    }
    if (type.equals(DataTypes.TimestampType)) {
      return "timestamptz";
    }
    if (type.equals(DataTypes.DateType)) {
      return "date";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "double precision";
    }
    return "text";
  }
}
