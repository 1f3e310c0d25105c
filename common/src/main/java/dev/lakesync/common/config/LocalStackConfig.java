package dev.lakesync.common.config;

/** Settings only the embedded local stack reads: its controller port and the size of the seed data. */
public final class LocalStackConfig {
  private final int kafkaControllerPort;
  private final int customers;
  private final int accountsPerCustomer;
  private final int payments;

  private LocalStackConfig(ConfigNode node, int defaultControllerPort) {
    this.kafkaControllerPort = node.port("kafkaControllerPort", defaultControllerPort);
    this.customers = node.integer("customers", 1_000, 1, 10_000_000);
    this.accountsPerCustomer = node.integer("accountsPerCustomer", 2, 1, 100);
    this.payments = node.integer("payments", 20_000, 0, 100_000_000);
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

  @Override
  public String toString() {
    return "LocalStackConfig{kafkaControllerPort=" + kafkaControllerPort + ", customers=" + customers
        + ", accountsPerCustomer=" + accountsPerCustomer + ", payments=" + payments + "}";
  }
}
