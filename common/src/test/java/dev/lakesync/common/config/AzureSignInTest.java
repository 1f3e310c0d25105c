package dev.lakesync.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * How the stages sign in to Azure services from the config. These tests run "inside Synapse": common's tests see the
 * stand-in for the workspace's token library.
 */
class AzureSignInTest {
  private static final String BASE = String.join("\n",
      "source: {type: postgresql, host: db.example.com, database: bank, user: cdc, password: x}",
      "broker: {type: eventhubs, bootstrapServers: 'ns.servicebus.windows.net:9093'}",
      "lake: {root: /tmp/lake}",
      "tables: [{name: bank.customers, key: [id]}]",
      "warehouse: {type: synapse, jdbcUrl: 'jdbc:sqlserver://ws.sql.azuresynapse.net:1433;database=dw', "
          + "stagingUri: 'abfss://staging@acct.dfs.core.windows.net/dw'}",
      "");
  private static final String PRINCIPAL = "azure: {tenantId: t-1, clientId: c-1, clientSecret: '${AZURE_CLIENT_SECRET}'}\n";

  private static PipelineConfig load(String yaml) {
    return new PipelineConfigLoader(Map.of("AZURE_CLIENT_SECRET", "s3cret")::get).parse(yaml, "pipeline.yaml");
  }

  @Test
  void insideSynapseTheSqlPoolIsReachedWithATokenFromTheWorkspacesTokenLibrary() {
    Properties properties = load(BASE).warehouse().orElseThrow().jdbcProperties();
    assertThat(properties.getProperty("accessToken")).isEqualTo("token-for-DW");
    assertThat(properties).doesNotContainKey("authentication");
  }

  @Test
  void aServicePrincipalSignsInTheSqlPoolAndTheEventHubsLogin() {
    PipelineConfig config = load(BASE + PRINCIPAL);
    Properties properties = config.warehouse().orElseThrow().jdbcProperties();
    assertThat(properties.getProperty("authentication")).isEqualTo("ActiveDirectoryServicePrincipal");
    assertThat(properties.getProperty("user")).isEqualTo("c-1");
    assertThat(properties.getProperty("password")).isEqualTo("s3cret");
    assertThat(config.broker().securitySettings().get("sasl.jaas.config"))
        .isEqualTo("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required tenantId=\"t-1\" "
            + "clientId=\"c-1\" clientSecret=\"s3cret\";");
    assertThat(config.azure().orElseThrow().toString()).doesNotContain("s3cret");
  }

  @Test
  void aServicePrincipalNeedsItsThreeParts() {
    assertThatThrownBy(() -> load(BASE + "azure: {clientId: c-1}\n")).hasMessageContaining("azure.tenantId: is required")
        .hasMessageContaining("azure.clientSecret: is required");
  }
}
