package dev.lakesync.warehouse;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Properties;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.util.LongAccumulator;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Runs on an executor: streams one partition's CSV lines into PostgreSQL with COPY over a connection of its own, so
 * that every core formats and every partition's COPY is parsed by its own server process at once. One COPY is one
 * statement: a failed task leaves none of its rows behind.
 */
final class CopyPartition implements ForeachPartitionFunction<byte[]> {
  private static final long serialVersionUID = 1L;
  private static final int FLUSH_BYTES = 1 << 20;

  private final String jdbcUrl;
  /** User and password: they travel to the executors as Spark's own JDBC writer's do; never logged. */
  private final Properties properties;
  private final String copySql;
  /** Rows copied, as the server counted them. */
  private final LongAccumulator copied;

  CopyPartition(String jdbcUrl, Properties properties, String copySql, LongAccumulator copied) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
    this.copySql = copySql;
    this.copied = copied;
  }

  @Override
  public void call(Iterator<byte[]> lines) throws SQLException {
    if (!lines.hasNext()) {
      return;
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl, properties)) {
      CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
      try {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES + 4096);
        while (lines.hasNext()) {
          byte[] line = lines.next();
          buffer.write(line, 0, line.length);
          if (buffer.size() >= FLUSH_BYTES) {
            copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
            buffer.reset();
          }
        }
        copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
        copied.add(copy.endCopy());
      } finally {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      }
    }
  }
}
