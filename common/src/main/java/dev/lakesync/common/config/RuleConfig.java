package dev.lakesync.common.config;

/** One data-quality or business rule: a Spark SQL boolean expression that valid rows satisfy. */
public final class RuleConfig {
  /** What happens to a row that breaks the rule. */
  public enum Action { QUARANTINE, DROP, FAIL }

  private final String name;
  private final String expression;
  private final Action action;

  private RuleConfig(ConfigNode node) {
    this.name = node.requiredString("name");
    this.expression = node.requiredString("expr");
    this.action = node.choice("action", Action.class, Action.QUARANTINE);
    if (name != null && !name.matches("[A-Za-z][A-Za-z0-9_]{0,63}")) {
      node.problem("name", "expected a letter then letters, digits or underscores, got '" + name + "'");
    }
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
