package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Rule;

/** One data-quality or business rule: a Spark SQL boolean expression that valid rows satisfy. */
public final class RuleConfig {
  /** What happens to a row that breaks the rule. */
  public enum Action { QUARANTINE, DROP, FAIL }

  private final String name;
  private final String expression;
  private final Action action;

  private RuleConfig(ConfigNode node) {
    this.name = node.get(Rule.NAME);
    this.expression = node.get(Rule.EXPR);
    this.action = node.get(Rule.ACTION);
    node.rejectUnknownKeys();
  }

  static RuleConfig from(ConfigNode node) {
    return new RuleConfig(node);
  }

  public String name() {
    return name;
  }

  public String expression() {
    return expression;
  }

  public Action action() {
    return action;
  }

  @Override
  public String toString() {
    return name + "[" + action + "]: " + expression;
  }
}
