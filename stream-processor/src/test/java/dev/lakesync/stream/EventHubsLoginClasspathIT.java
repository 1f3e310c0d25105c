package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.junit.jupiter.api.Test;

/**
 * The Event Hubs login callback that the Kafka source is told to load is on this stage's packaged classpath (the
 * eventhubs-auth-spark jar) and sets itself up beside Spark's Jackson. An IT because the jar exists only after
 * {@code package}.
 */
class EventHubsLoginClasspathIT {
  @Test
  void theLoginCallbackTheKafkaSourceNamesLoadsAndConfiguresBesideSpark() throws Exception {
    Class<?> handler = Class.forName("dev.lakesync.eventhubs.EventHubsOAuthCallbackHandler");
    assertThat(handler.getProtectionDomain().getCodeSource().getLocation().getPath())
        .as("loaded from the relocating jar, not eventhubs-auth's plain classes").contains("eventhubs-auth-spark");

    // Only configured: a token request would go to the identity endpoint.
    AuthenticateCallbackHandler callback = (AuthenticateCallbackHandler) handler.getDeclaredConstructor().newInstance();
    callback.configure(Map.of("bootstrap.servers", List.of("ns.servicebus.windows.net:9093")), "OAUTHBEARER", List.of());
    callback.close();
    // Spark's own Jackson is still the one on the classpath.
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMinorVersion()).isLessThan(18);
  }
}
