package dev.lakesync.common.config;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.ConfigOptions.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A captured source table: its schema-qualified name, primary key columns, whether it is only ever inserted into, and
 * validation rules.
 */
public final class TableConfig {
  private final String schema;
  private final String table;
  private final List<String> key;
  private final boolean appendOnly;
  private final List<RuleConfig> rules;

  private TableConfig(ConfigNode node) {
    String name = node.get(Table.NAME);
    boolean valid = name != null && validName(name);
    this.schema = valid ? name.split("\\.")[0] : null;
    this.table = valid ? name.split("\\.")[1] : null;
    this.key = node.get(Table.KEY);
    this.appendOnly = node.get(Table.APPEND_ONLY);
    if (key.isEmpty() && !appendOnly) {
      // Without a key a change cannot be matched to a row: only a table that is never updated can be kept.
      node.problem("key", "is required (the primary key column or columns); a table without one can only be "
          + "captured when it is only ever inserted into: declare appendOnly: true");
    }
    for (String column : key) {
      if (!Identifiers.isValid(column)) {
        node.problem("key", "'" + column + "' is not a valid column name");
      }
    }
    List<RuleConfig> parsedRules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigNode ruleNode : node.get(Table.RULES)) {
      RuleConfig rule = RuleConfig.from(ruleNode);
      if (rule.name() != null && !names.add(rule.name())) {
        ruleNode.problem("name", "rule '" + rule.name() + "' is defined twice for this table");
      }
      parsedRules.add(rule);
    }
    this.rules = List.copyOf(parsedRules);
    node.rejectUnknownKeys();
  }

  /** schema.table, both valid identifiers. */
  static boolean validName(String name) {
    String[] parts = name.split("\\.", -1);
    return parts.length == 2 && Identifiers.isValid(parts[0]) && Identifiers.isValid(parts[1]);
  }

  static TableConfig from(ConfigNode node) {
    return new TableConfig(node);
  }

  public String schema() {
    return schema;
  }

  public String table() {
    return table;
  }

  /** schema.table */
  public String qualifiedName() {
    return schema + "." + table;
  }

  public List<String> key() {
    return key;
  }

  /**
   * Whether the table is only inserted into: its changes are appended to the lake as they come (no MERGE), and an
   * update, delete or truncate of it is quarantined. Its key may be empty.
   */
  public boolean appendOnly() {
    return appendOnly;
  }

  public List<RuleConfig> rules() {
    return rules;
  }

  @Override
  public String toString() {
    return "TableConfig{" + qualifiedName() + ", key=" + key + (appendOnly ? ", appendOnly" : "") + ", rules=" + rules + "}";
  }
}
