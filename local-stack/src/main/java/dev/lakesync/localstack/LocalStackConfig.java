package dev.lakesync.localstack;

import dev.lakesync.common.config.ConfigNode;
import dev.lakesync.common.config.ConfigOptions.LocalStack;
import dev.lakesync.common.config.ConfigOptions;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * {@code localStack}: what only the embedded stack reads, its controller port and what it seeds the source with. The
 * pipeline model leaves this section alone; the stack reads it from the same file with the same checks.
 */
public final class LocalStackConfig {
  /** The demo bank, generated in Java at the configured size. */
  public static final String SEED_BANK = "bank";
  /** Nothing: the source database is created empty. */
  public static final String SEED_NONE = "none";

  private final Integer kafkaControllerPort;
  private final String seed;
  private final int customers;
  private final int accountsPerCustomer;
  private final int payments;

  LocalStackConfig(ConfigNode node) {
    this.kafkaControllerPort = node.get(LocalStack.KAFKA_CONTROLLER_PORT);
    this.customers = node.get(LocalStack.CUSTOMERS);
    this.accountsPerCustomer = node.get(LocalStack.ACCOUNTS_PER_CUSTOMER);
    this.payments = node.get(LocalStack.PAYMENTS);
    this.seed = node.get(LocalStack.SEED);
    node.rejectUnknownKeys();
  }

  /** The {@code localStack} section of the file (its defaults when the file has none); every problem at once. */
  public static LocalStackConfig load(Path file, Function<String, String> env) {
    return new PipelineConfigLoader(env).loadSection(file, ConfigOptions.Root.LOCAL_STACK, LocalStackConfig::new);
  }

  /** The embedded broker's controller port: as configured, else the broker's port + 1. */
  public int kafkaControllerPort(PipelineConfig config) {
    if (kafkaControllerPort != null) {
      return kafkaControllerPort;
    }
    String first = config.broker().bootstrapServers().get(0);
    int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    return port < 65535 ? port + 1 : port - 1;
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
