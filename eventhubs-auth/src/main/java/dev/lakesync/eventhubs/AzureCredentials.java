package dev.lakesync.eventhubs;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.lakesync.common.azure.SynapseTokenLibrary;
import dev.lakesync.common.config.AzureConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Where every Azure client of lakesync gets its tokens (Event Hubs, Cosmos DB, AI Search, Blob offsets): a service
 * principal when one is configured ({@code azure}: tenant, client id, secret); inside a Synapse Spark job the
 * workspace's token library, the only way Microsoft documents for a job to use the workspace's managed identity
 * (MSAL-based credentials do not work there); elsewhere DefaultAzureCredential (managed identity, workload identity,
 * AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET in the environment, Azure CLI).
 */
public final class AzureCredentials {
  /** Scopes the token library can serve, by the audience names it knows. */
  private static final Map<String, String> SYNAPSE_AUDIENCES = Map.of(
      "https://database.windows.net/.default", "DW",
      "https://sql.azuresynapse.net/.default", "DW",
      "https://storage.azure.com/.default", "Storage",
      "https://vault.azure.net/.default", "Vault",
      "https://management.azure.com/.default", "AzureManagement");
  private static final Pattern EXPIRY = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

  private AzureCredentials() {
  }

  /** The credential to use: as {@code azure} when configured (null: not), else the ambient identity. */
  public static TokenCredential of(AzureConfig azure) {
    return azure == null ? of(null, null, null)
        : of(azure.tenantId(), azure.clientId(), azure.clientSecret().reveal());
  }

  /** The credential to use; the three arguments all set for a service principal, all null otherwise. */
  public static TokenCredential of(String tenantId, String clientId, String clientSecret) {
    if (tenantId != null && clientId != null && clientSecret != null) {
      return new ClientSecretCredentialBuilder().tenantId(tenantId).clientId(clientId).clientSecret(clientSecret).build();
    }
    if (SynapseTokenLibrary.available()) {
      return AzureCredentials::synapseToken;
    }
    return new DefaultAzureCredentialBuilder().build();
  }

  private static Mono<AccessToken> synapseToken(TokenRequestContext request) {
    return Mono.fromCallable(() -> {
      String scope = request.getScopes().isEmpty() ? "" : request.getScopes().get(0);
      String audience = SYNAPSE_AUDIENCES.get(scope);
      if (audience == null) {
        throw new IllegalStateException("inside Synapse, the workspace's managed identity gets tokens only for the token "
            + "library's audiences (the SQL pool, storage, Key Vault, management), not for " + scope + ": configure the "
            + "azure section (a service principal, its secret from Key Vault) or the service's key");
      }
      String token = SynapseTokenLibrary.accessToken(audience);
      return new AccessToken(token, expiry(token));
    });
  }

  /** A JWT's expiry ({@code exp}); five minutes from now when it cannot be read, so that it is asked for again. */
  static OffsetDateTime expiry(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length >= 2) {
      try {
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        Matcher exp = EXPIRY.matcher(payload);
        if (exp.find()) {
          return OffsetDateTime.ofInstant(Instant.ofEpochSecond(Long.parseLong(exp.group(1))), ZoneOffset.UTC);
        }
      } catch (IllegalArgumentException e) {
        // not a JWT: fall through
      }
    }
    return OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5);
  }
}
