package dev.lakesync.common;

/** The lake layout under the lake root; every stage builds its paths here and nowhere else. */
public final class LakePaths {
  /** The stream-processor's folder under {@code _checkpoints} and {@code _state}, which later stages read. */
  public static final String PROCESSOR = "stream-processor";

  private final String root;

  public LakePaths(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String root() {
    return root;
  }

  /** Raw events exactly as received (schema-qualified: two schemas may hold tables of one name). */
  public String landing(String schema, String table) {
    return root + "/landing/" + Identifiers.requireValid(schema) + "/" + Identifiers.requireValid(table);
  }

  /** Records of no configured table, exactly as received. */
  public String landingOfUnknownTables() {
    return root + "/landing/_unknown";
  }

  /** The source's transaction BEGIN/END markers, exactly as received. */
  public String landingOfTransactionMarkers() {
    return root + "/landing/_transactions";
  }

  /** Events that failed parsing or rules, with reasons. */
  public String quarantine(String schema, String table) {
    return root + "/quarantine/" + Identifiers.requireValid(schema) + "/" + Identifiers.requireValid(table);
  }

  /** One MERGEd table per source table. */
  public String validated(String schema, String table) {
    return root + "/validated/" + Identifiers.requireValid(schema) + "/" + Identifiers.requireValid(table);
  }

  public String checkpoints(String stage) {
    return root + "/_checkpoints/" + requireStage(stage);
  }

  public String state(String stage) {
    return root + "/_state/" + requireStage(stage);
  }

  private static String requireStage(String stage) {
    if (!stage.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("not a valid stage name: '" + stage + "'");
    }
    return stage;
  }
}
