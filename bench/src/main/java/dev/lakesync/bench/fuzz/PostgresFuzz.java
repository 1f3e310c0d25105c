package dev.lakesync.bench.fuzz;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** The fuzz against PostgreSQL (logical decoding, pgoutput): its own types, arrays, enums, TOAST. */
final class PostgresFuzz implements FuzzDialect {
  private static final List<FuzzType> TYPES = List.of(
      FuzzType.key("integer", r -> FuzzValues.integer(r, Integer.MIN_VALUE, Integer.MAX_VALUE), (r, n) -> String.valueOf(n * 37 - 1000)),
      FuzzType.key("bigint", r -> FuzzValues.integer(r, Long.MIN_VALUE, Long.MAX_VALUE), (r, n) -> String.valueOf((1L << 40) + n)),
      FuzzType.key("smallint", r -> FuzzValues.integer(r, Short.MIN_VALUE, Short.MAX_VALUE), (r, n) -> String.valueOf(n - 300)),
      FuzzType.key("text", r -> FuzzValues.text(r, 6), (r, n) -> "k" + n + FuzzValues.text(r, 2)),
      FuzzType.key("varchar(40)", r -> FuzzValues.text(r, 5), (r, n) -> "v " + n),
      FuzzType.key("uuid", FuzzValues::uuid, (r, n) -> new UUID(n, r.nextLong()).toString()),
      FuzzType.key("date", FuzzValues::date, (r, n) -> LocalDate.of(2000, 1, 1).plusDays(n * 3L).toString()),
      FuzzType.key("numeric(12,2)", r -> FuzzValues.decimal(r, 12, 2), (r, n) -> n + ".50"),
      FuzzType.of("boolean", r -> String.valueOf(r.nextBoolean())),
      FuzzType.of("real", r -> String.valueOf((r.nextInt(20001) - 10000) / 4.0)),
      FuzzType.of("double precision", r -> String.valueOf(r.nextInt() / 64.0)),
      FuzzType.of("numeric(38,10)", r -> FuzzValues.decimal(r, 38, 10)),
      FuzzType.of("numeric(40,39)", r -> FuzzValues.decimal(r, 40, 39)),
      FuzzType.of("numeric(50,2)", r -> FuzzValues.decimal(r, 50, 2)),
      FuzzType.of("numeric", r -> FuzzValues.decimal(r, 45, 20)),
      FuzzType.of("timestamp(6)", FuzzValues::timestamp),
      FuzzType.of("time(6)", FuzzValues::time),
      FuzzType.of("timestamptz(6)", FuzzValues::timestampWithOffset),
      FuzzType.of("bytea", r -> "\\x" + FuzzValues.hex(FuzzValues.bytes(r, r.nextInt(12)))),
      FuzzType.of("json", FuzzValues::json),
      FuzzType.of("jsonb", FuzzValues::json),
      FuzzType.of("%s.mood", r -> List.of("sad", "ok", "happy", "très bien").get(r.nextInt(4))),
      FuzzType.of("interval", r -> r.nextInt(100) + " years " + r.nextInt(12) + " mons " + (r.nextInt(60) - 30) + " days "
          + FuzzValues.time(r)),
      FuzzType.of("money", r -> FuzzValues.decimal(r, 12, 2)),
      FuzzType.of("bit(12)", r -> FuzzValues.bits(r, 12)),
      FuzzType.of("varbit(20)", r -> FuzzValues.bits(r, r.nextInt(21))),
      FuzzType.of("int4range", r -> {
        int low = r.nextInt(1000) - 500;
        return r.nextInt(5) == 0 ? "empty" : "[" + low + "," + (low + 1 + r.nextInt(100)) + ")";
      }),
      FuzzType.of("%s.pair", r -> "(" + (r.nextInt(2000) - 1000) + ",\"" + FuzzValues.text(r, 3).replace("\\", "\\\\")
          .replace("\"", "\\\"") + "\")"),
      FuzzType.of("date[]", r -> FuzzValues.pgArray(r, FuzzValues::date)),
      FuzzType.of("text[]", r -> FuzzValues.pgArray(r, x -> FuzzValues.text(x, 3))),
      FuzzType.of("integer[]", r -> FuzzValues.pgArray(r, x -> String.valueOf(x.nextInt(2000) - 1000))),
      FuzzType.large("text", r -> r.nextInt(3) == 0 ? FuzzValues.text(r, 4) : FuzzValues.largeText(r, 9000)),
      FuzzType.large("bytea", r -> "\\x" + FuzzValues.hex(FuzzValues.bytes(r, r.nextInt(3) == 0 ? 5 : 9000))));

  private final String jdbcUrl;
  private final int port;

  PostgresFuzz(int port, String database) {
    this.port = port;
    this.jdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public String sourceType() {
    return "postgresql";
  }

  @Override
  public boolean leavesLargeValuesOut() {
    return true;
  }

  @Override
  public List<FuzzType> types() {
    return TYPES;
  }

  @Override
  public String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  @Override
  public String parameter(FuzzType type, String quotedSchema) {
    return "CAST(? AS " + type.ddl(quotedSchema) + ")";
  }

  @Override
  public List<String> createSchema(String schema) {
    return List.of("CREATE SCHEMA " + quote(schema),
        "CREATE TYPE " + quote(schema) + ".mood AS ENUM ('sad', 'ok', 'happy', 'très bien')",
        "CREATE TYPE " + quote(schema) + ".pair AS (n integer, label text)");
  }

  @Override
  public String sourceYaml(String name, String firstSchema) {
    return "{type: postgresql, host: 127.0.0.1, port: " + port + ", database: " + jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1)
        + ", user: postgres, password: x, slotName: " + name + ", publication: " + name + "}";
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "postgres", "");
  }

  @Override
  public void cleanUp(String schema) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
         java.sql.PreparedStatement slot = connection.prepareStatement(
             "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
      slot.setString(1, schema);
      slot.execute();
      statement.execute("DROP PUBLICATION IF EXISTS " + quote(schema));
      statement.execute("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
    }
  }
}
