package dev.lakesync.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.junit.jupiter.api.Test;

class EventHubsOAuthCallbackHandlerTest {
  @Test
  void asksForATokenScopedToTheNamespace() {
    assertThat(EventHubsOAuthCallbackHandler.scopeFor("ns.servicebus.windows.net:9093"))
        .isEqualTo("https://ns.servicebus.windows.net/.default");
    assertThat(EventHubsOAuthCallbackHandler.scopeFor(" other.servicebus.windows.net:9093"))
        .isEqualTo("https://other.servicebus.windows.net/.default");
  }

  @Test
  void takesTheFirstBootstrapServerAsAListOrAsText() {
    // Kafka hands the producer's settings over parsed (a list); Spark's source passes them on as text.
    EventHubsOAuthCallbackHandler fromList = new EventHubsOAuthCallbackHandler();
    fromList.configure(Map.of("bootstrap.servers", List.of("a.servicebus.windows.net:9093", "b:9093")),
        "OAUTHBEARER", List.of());
    EventHubsOAuthCallbackHandler fromText = new EventHubsOAuthCallbackHandler();
    fromText.configure(Map.of("bootstrap.servers", "a.servicebus.windows.net:9093,b:9093"), "OAUTHBEARER", List.of());
    assertThat(fromList.scope()).isEqualTo("https://a.servicebus.windows.net/.default");
    assertThat(fromText.scope()).isEqualTo(fromList.scope());
  }

  @Test
  void refusesCallbacksOtherThanTheToken() {
    EventHubsOAuthCallbackHandler handler = new EventHubsOAuthCallbackHandler();
    handler.configure(Map.of("bootstrap.servers", "a.servicebus.windows.net:9093"), "OAUTHBEARER", List.of());
    assertThatThrownBy(() -> handler.handle(new Callback[] {new NameCallback("name")}))
        .isInstanceOf(UnsupportedCallbackException.class);
  }
}
