package dev.lakesync.bench.fuzz;

import java.util.Random;
import java.util.function.Function;

/** One column type of a source dialect and how the fuzz makes its values (as text the database casts). */
final class FuzzType {
  /** The type in DDL; {@code %s} stands for the table's schema, quoted (enums and composites live there). */
  final String ddl;
  private final Function<Random, String> values;
  /** For a key type, the value unique to a counter (null: not usable in a key). */
  private final java.util.function.BiFunction<Random, Integer, String> keys;
  /** Whether its values may be large enough for PostgreSQL to keep out of line (TOAST). */
  final boolean large;

  private FuzzType(String ddl, Function<Random, String> values, java.util.function.BiFunction<Random, Integer, String> keys,
      boolean large) {
    this.ddl = ddl;
    this.values = values;
    this.keys = keys;
    this.large = large;
  }

  static FuzzType of(String ddl, Function<Random, String> values) {
    return new FuzzType(ddl, values, null, false);
  }

  /** A type a key may use: {@code keys} gives the value unique to each counter. */
  static FuzzType key(String ddl, Function<Random, String> values,
      java.util.function.BiFunction<Random, Integer, String> keys) {
    return new FuzzType(ddl, values, keys, false);
  }

  /** A type whose values are sometimes large (TOAST in PostgreSQL). */
  static FuzzType large(String ddl, Function<Random, String> values) {
    return new FuzzType(ddl, values, null, true);
  }

  boolean keyable() {
    return keys != null;
  }

  String key(Random random, int counter) {
    return keys.apply(random, counter);
  }

  String value(Random random) {
    return values.apply(random);
  }

  String ddl(String quotedSchema) {
    return ddl.contains("%s") ? String.format(ddl, quotedSchema) : ddl;
  }

  @Override
  public String toString() {
    return ddl;
  }
}
