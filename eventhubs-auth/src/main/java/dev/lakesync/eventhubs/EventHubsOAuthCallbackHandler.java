package dev.lakesync.eventhubs;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

/**
 * Kafka SASL/OAUTHBEARER login for Event Hubs with an Azure identity: asks {@link AzureCredentials} for a token scoped
 * to the namespace, as the service principal the JAAS options name ({@code tenantId}, {@code clientId},
 * {@code clientSecret}) or the ambient identity. Kafka calls it again before expiry.
 * The capture's producer loads it from this module's jar; the stream processor's Spark Kafka source (driver and
 * executors) from eventhubs-auth-spark's jar, which carries it with azure-identity's Jackson relocated beside Spark's.
 */
public final class EventHubsOAuthCallbackHandler implements AuthenticateCallbackHandler {
  private TokenCredential credential;
  private String scope;

  @Override
  public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
    Object servers = configs.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    String first = servers instanceof List ? String.valueOf(((List<?>) servers).get(0)) : String.valueOf(servers).split(",")[0];
    this.scope = scopeFor(first);
    Map<String, ?> options = jaasConfigEntries.isEmpty() ? Map.of() : jaasConfigEntries.get(0).getOptions();
    this.credential = AzureCredentials.of((String) options.get("tenantId"), (String) options.get("clientId"),
        (String) options.get("clientSecret"));
  }

  /** {@code ns.servicebus.windows.net:9093} gives {@code https://ns.servicebus.windows.net/.default}. */
  static String scopeFor(String bootstrapServer) {
    String host = URI.create("kafka://" + bootstrapServer.trim()).getHost();
    return "https://" + host + "/.default";
  }

  String scope() {
    return scope;
  }

  TokenCredential credential() {
    return credential;
  }

  @Override
  public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
    for (Callback callback : callbacks) {
      if (!(callback instanceof OAuthBearerTokenCallback)) {
        throw new UnsupportedCallbackException(callback);
      }
      AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
      ((OAuthBearerTokenCallback) callback).token(new Token(token, scope));
    }
  }

  @Override
  public void close() {
  }

  private static final class Token implements OAuthBearerToken {
    private final AccessToken token;
    private final String scope;
    private final long startMs = System.currentTimeMillis();

    Token(AccessToken token, String scope) {
      this.token = token;
      this.scope = scope;
    }

    @Override
    public String value() {
      return token.getToken();
    }

    @Override
    public Set<String> scope() {
      return Set.of(scope);
    }

    @Override
    public long lifetimeMs() {
      return token.getExpiresAt().toInstant().toEpochMilli();
    }

    @Override
    public String principalName() {
      return "lakesync";
    }

    @Override
    public Long startTimeMs() {
      return startMs;
    }

    @Override
    public String toString() {
      return "EventHubsToken{scope=" + scope + ", expires=" + token.getExpiresAt() + "}";
    }
  }
}
