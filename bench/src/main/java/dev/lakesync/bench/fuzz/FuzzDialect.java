package dev.lakesync.bench.fuzz;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** What the fuzz needs to know of a source database: its types, quoting, and how lakesync is pointed at it. */
interface FuzzDialect {
  /** The config's source.type. */
  String sourceType();

  /** Column types values may use. */
  List<FuzzType> types();

  String quote(String name);

  /** The placeholder of a value of {@code type} in a statement (the value is bound as text). */
  String parameter(FuzzType type, String quotedSchema);

  /**
   * Whether an update leaves unchanged large values out of its change (PostgreSQL's TOAST). Then a key change of a
   * row with such a value is captured whole only with REPLICA IDENTITY FULL, which the dialect can set.
   */
  boolean leavesLargeValuesOut();

  /** Creates the schema (database in MySQL terms) of one seed, with any types its tables use. */
  List<String> createSchema(String schema);

  /** The source section of the pipeline config of a group of seeds: its own slot and publication, named {@code name}. */
  String sourceYaml(String name, String firstSchema);

  Connection connect() throws SQLException;

  /** Drops what a seed or group left in the source: the schema, or the slot and publication, named {@code schema}. */
  void cleanUp(String schema) throws SQLException;
}
