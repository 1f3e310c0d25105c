package dev.lakesync.bench.fuzz;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;

/** The fuzz against MariaDB (row-based binlog): MySQL's types, a database per seed. */
final class MariaDbFuzz implements FuzzDialect {
  private static final List<FuzzType> TYPES = List.of(
      FuzzType.key("int", r -> FuzzValues.integer(r, Integer.MIN_VALUE, Integer.MAX_VALUE), (r, n) -> String.valueOf(n * 37 - 1000)),
      FuzzType.key("bigint", r -> FuzzValues.integer(r, Long.MIN_VALUE, Long.MAX_VALUE), (r, n) -> String.valueOf((1L << 40) + n)),
      FuzzType.key("smallint", r -> FuzzValues.integer(r, Short.MIN_VALUE, Short.MAX_VALUE), (r, n) -> String.valueOf(n - 300)),
      FuzzType.key("varchar(40)", r -> FuzzValues.text(r, 5), (r, n) -> "v " + n),
      FuzzType.key("date", FuzzValues::date, (r, n) -> LocalDate.of(2000, 1, 1).plusDays(n * 3L).toString()),
      FuzzType.key("decimal(12,2)", r -> FuzzValues.decimal(r, 12, 2), (r, n) -> n + ".50"),
      FuzzType.of("tinyint", r -> FuzzValues.integer(r, Byte.MIN_VALUE, Byte.MAX_VALUE)),
      FuzzType.of("tinyint(1)", r -> r.nextBoolean() ? "1" : "0"),
      FuzzType.of("double", r -> String.valueOf(r.nextInt() / 64.0)),
      FuzzType.of("float", r -> String.valueOf((r.nextInt(20001) - 10000) / 4.0)),
      FuzzType.of("decimal(38,10)", r -> FuzzValues.decimal(r, 38, 10)),
      FuzzType.of("decimal(65,30)", r -> FuzzValues.decimal(r, 65, 30)),
      FuzzType.of("datetime(6)", FuzzValues::timestamp),
      FuzzType.of("time(6)", FuzzValues::time),
      FuzzType.of("year", r -> String.valueOf(1901 + r.nextInt(255))),
      FuzzType.of("enum('sad', 'ok', 'happy', 'très bien')", r -> List.of("sad", "ok", "happy", "très bien").get(r.nextInt(4))),
      FuzzType.of("json", FuzzValues::json),
      FuzzType.of("bit(12)", r -> FuzzValues.bits(r, 12)),
      FuzzType.of("set('red', 'green', 'blue')", r -> List.of("", "red", "green,blue", "red,green,blue").get(r.nextInt(4))),
      FuzzType.of("varbinary(16)", r -> FuzzValues.hex(FuzzValues.bytes(r, r.nextInt(12)))),
      FuzzType.of("text", r -> FuzzValues.text(r, 6)),
      FuzzType.large("mediumtext", r -> r.nextInt(3) == 0 ? FuzzValues.text(r, 4) : FuzzValues.largeText(r, 9000)),
      FuzzType.large("mediumblob", r -> FuzzValues.hex(FuzzValues.bytes(r, r.nextInt(3) == 0 ? 5 : 9000))));

  private final int port;

  MariaDbFuzz(int port) {
    this.port = port;
  }

  @Override
  public String sourceType() {
    return "mariadb";
  }

  @Override
  public boolean leavesLargeValuesOut() {
    return false;
  }

  @Override
  public List<FuzzType> types() {
    return TYPES;
  }

  @Override
  public String quote(String name) {
    return '`' + name.replace("`", "``") + '`';
  }

  @Override
  public String parameter(FuzzType type, String quotedSchema) {
    // Binary values travel as hex text, bit strings as text of 0s and 1s; every other value as text MariaDB converts
    // to the column's type.
    if (type.ddl.startsWith("bit")) {
      return "CAST(CONV(?, 2, 10) AS UNSIGNED)";
    }
    return type.ddl.contains("binary") || type.ddl.contains("blob") ? "UNHEX(?)" : "?";
  }

  @Override
  public List<String> createSchema(String schema) {
    return List.of("CREATE DATABASE " + quote(schema) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }

  @Override
  public String sourceYaml(String name, String firstSchema) {
    return "{type: mariadb, host: 127.0.0.1, port: " + port + ", database: " + firstSchema
        + ", user: root, password: '', debezium: {database.ssl.mode: disabled}}";
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/?allowPublicKeyRetrieval=true&useSSL=false",
        "root", "");
  }

  @Override
  public void cleanUp(String schema) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + quote(schema));
    }
  }
}
