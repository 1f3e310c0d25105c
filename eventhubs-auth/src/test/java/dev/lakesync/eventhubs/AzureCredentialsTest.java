package dev.lakesync.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredential;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.junit.jupiter.api.Test;

/**
 * The credential seam, here inside "Synapse": this module's tests see the stand-in for the workspace's token library
 * (from common's test jar), which knows only its named audiences, as the service does.
 */
class AzureCredentialsTest {

  @Test
  void aConfiguredServicePrincipalIsUsedWhereverItRuns() {
    assertThat(AzureCredentials.of("tenant", "client", "secret")).isInstanceOf(ClientSecretCredential.class);
  }

  @Test
  void insideSynapseTheSqlPoolsTokenComesFromTheTokenLibrary() {
    TokenCredential credential = AzureCredentials.of(null, null, null);
    AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes("https://database.windows.net/.default"));
    assertThat(token.getToken()).isEqualTo("token-for-DW");
  }

  @Test
  void insideSynapseAServiceTheTokenLibraryDoesNotServeAsksForAServicePrincipal() {
    TokenCredential credential = AzureCredentials.of(null, null, null);
    assertThatThrownBy(() -> credential.getTokenSync(new TokenRequestContext()
        .addScopes("https://ns.servicebus.windows.net/.default")))
        .hasMessageContaining("not for https://ns.servicebus.windows.net/.default")
        .hasMessageContaining("configure the azure section (a service principal");
  }

  @Test
  void theEventHubsLoginTakesTheServicePrincipalFromItsJaasOptions() {
    EventHubsOAuthCallbackHandler handler = new EventHubsOAuthCallbackHandler();
    AppConfigurationEntry entry = new AppConfigurationEntry("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule",
        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("tenantId", "t", "clientId", "c", "clientSecret", "s"));
    handler.configure(Map.of("bootstrap.servers", "a.servicebus.windows.net:9093"), "OAUTHBEARER", List.of(entry));
    assertThat(handler.credential()).isInstanceOf(ClientSecretCredential.class);
  }

  @Test
  void aTokensExpiryIsReadFromItsClaims() {
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"aud\":\"x\",\"exp\":1893456000}".getBytes(StandardCharsets.UTF_8));
    assertThat(AzureCredentials.expiry("h." + payload + ".sig"))
        .isEqualTo(OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(AzureCredentials.expiry("not-a-jwt")).isBefore(OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(6));
  }
}
