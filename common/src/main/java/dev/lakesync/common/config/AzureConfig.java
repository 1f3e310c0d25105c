package dev.lakesync.common.config;

/**
 * {@code azure}: a Microsoft Entra service principal every Azure client of lakesync signs in as, instead of the
 * ambient identity. Needed inside Synapse Spark jobs, whose workspace identity reaches only the token library's own
 * audiences (not Event Hubs, Cosmos DB or AI Search); elsewhere optional. Its secret belongs in Key Vault or the
 * environment, never in the file.
 */
public final class AzureConfig {
  private final String tenantId;
  private final String clientId;
  private final Secret clientSecret;

  private AzureConfig(ConfigNode node) {
    this.tenantId = node.get(ConfigOptions.Azure.TENANT_ID);
    this.clientId = node.get(ConfigOptions.Azure.CLIENT_ID);
    this.clientSecret = node.get(ConfigOptions.Azure.CLIENT_SECRET);
    node.rejectUnknownKeys();
  }

  static AzureConfig from(ConfigNode node) {
    return new AzureConfig(node);
  }

  public String tenantId() {
    return tenantId;
  }

  public String clientId() {
    return clientId;
  }

  public Secret clientSecret() {
    return clientSecret;
  }

  @Override
  public String toString() {
    return "AzureConfig{tenantId=" + tenantId + ", clientId=" + clientId + ", clientSecret=" + clientSecret + "}";
  }
}
