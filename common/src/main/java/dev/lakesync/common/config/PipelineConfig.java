package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Root;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The whole pipeline as one immutable value, read once at start-up by every stage. */
public final class PipelineConfig {
  private final String name;
  private final Path workDir;
  private final SourceConfig source;
  private final BrokerConfig broker;
  private final LakeConfig lake;
  private final List<TableConfig> tables;
  private final WarehouseConfig warehouse;
  private final ServingConfig serving;
  private final AzureConfig azure;

  private PipelineConfig(ConfigNode root) {
    this.name = root.get(Root.NAME);
    this.workDir = Path.of(root.get(Root.WORK_DIR));
    this.azure = root.get(Root.AZURE).map(AzureConfig::from).orElse(null);
    this.source = root.get(Root.SOURCE).map(SourceConfig::from).orElse(null);
    this.broker = root.get(Root.BROKER).map(node -> BrokerConfig.from(node, azure)).orElse(null);
    this.lake = root.get(Root.LAKE).map(LakeConfig::from).orElse(null);
    this.tables = parseTables(root);
    this.warehouse = root.get(Root.WAREHOUSE).map(node -> WarehouseConfig.from(node, tables, azure)).orElse(null);
    this.serving = root.get(Root.SERVING).map(node -> ServingConfig.from(node, tables, azure)).orElse(null);
    root.get(Root.SECRETS).ifPresent(PipelineConfig::checkSecrets);
    root.has(Root.LOCAL_STACK); // the embedded stack's own section, which it reads itself
    root.rejectUnknownKeys();
  }

  /** {@code secrets}: where a Synapse job reads its variables (the loader uses it before anything else is read). */
  private static void checkSecrets(ConfigNode node) {
    node.get(ConfigOptions.Secrets.KEY_VAULT);
    node.get(ConfigOptions.Secrets.LINKED_SERVICE);
    node.rejectUnknownKeys();
  }

  static PipelineConfig from(ConfigNode root) {
    return new PipelineConfig(root);
  }

  private static List<TableConfig> parseTables(ConfigNode root) {
    List<ConfigNode> nodes = root.get(Root.TABLES);
    List<TableConfig> parsed = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigNode node : nodes) {
      TableConfig table = TableConfig.from(node);
      if (table.schema() != null && !names.add(table.qualifiedName())) {
        node.problem("name", "table " + table.qualifiedName() + " is listed twice");
      }
      parsed.add(table);
    }
    return List.copyOf(parsed);
  }

  public String name() {
    return name;
  }

  /** The service principal Azure clients sign in as, when one is configured. */
  public Optional<AzureConfig> azure() {
    return Optional.ofNullable(azure);
  }

  /** Local folder for state that is not in the lake: offsets, schema history, embedded servers' data. */
  public Path workDir() {
    return workDir;
  }

  public SourceConfig source() {
    return source;
  }

  public BrokerConfig broker() {
    return broker;
  }

  public LakeConfig lake() {
    return lake;
  }

  public List<TableConfig> tables() {
    return tables;
  }

  public Optional<TableConfig> table(String schema, String table) {
    for (TableConfig candidate : tables) {
      if (candidate.schema().equals(schema) && candidate.table().equals(table)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public Optional<WarehouseConfig> warehouse() {
    return Optional.ofNullable(warehouse);
  }

  public Optional<ServingConfig> serving() {
    return Optional.ofNullable(serving);
  }

  @Override
  public String toString() {
    return "PipelineConfig{name=" + name + ", workDir=" + workDir + ", source=" + source + ", broker=" + broker
        + ", lake=" + lake + ", tables=" + tables + ", warehouse=" + warehouse + ", serving=" + serving + "}";
  }
}
