package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.LocalStack;

/** Settings only the embedded local stack reads: its controller port and what it seeds the source with. */
public final class LocalStackConfig {
  /** The demo bank, generated in Java at the configured size. */
  public static final String SEED_BANK = "bank";
  /** Nothing: the source database is created empty. */
  public static final String SEED_NONE = "none";

  private final int kafkaControllerPort;
  private final String seed;
  private final int customers;
  private final int accountsPerCustomer;
  private final int payments;

  private LocalStackConfig(ConfigNode node, int defaultControllerPort) {
    this.kafkaControllerPort = node.get(LocalStack.KAFKA_CONTROLLER_PORT, defaultControllerPort);
    this.customers = node.get(LocalStack.CUSTOMERS);
    this.accountsPerCustomer = node.get(LocalStack.ACCOUNTS_PER_CUSTOMER);
    this.payments = node.get(LocalStack.PAYMENTS);
    this.seed = node.get(LocalStack.SEED);
    node.rejectUnknownKeys();
  }

  static LocalStackConfig from(ConfigNode node, int defaultControllerPort) {
    return new LocalStackConfig(node, defaultControllerPort);
  }

  public int kafkaControllerPort() {
    return kafkaControllerPort;
  }

  public int customers() {
    return customers;
  }

  public int accountsPerCustomer() {
    return accountsPerCustomer;
  }

  public int payments() {
    return payments;
  }

  /**
   * What the source database is seeded with on first start: {@link #SEED_BANK}, {@link #SEED_NONE} or a SQL file
   * (relative paths from the lakesync folder), run once while the database holds none of the config's tables.
   */
  public String seed() {
    return seed;
  }

  @Override
  public String toString() {
    return "LocalStackConfig{kafkaControllerPort=" + kafkaControllerPort + ", customers=" + customers
        + ", accountsPerCustomer=" + accountsPerCustomer + ", payments=" + payments + ", seed=" + seed + "}";
  }
}
