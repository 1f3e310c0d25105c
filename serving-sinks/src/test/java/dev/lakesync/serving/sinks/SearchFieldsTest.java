package dev.lakesync.serving.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class SearchFieldsTest {
  @Test
  void readsTheIndexedFieldsAndSkipsTheLookAlikesInsidePayments() throws Exception {
    String json = "{\"id\":\"7\",\"customerId\":\"7\",\"profile\":{\"name\":\"Zo\\u00eb \\\"Q\\\" Smith\","
        + "\"email\":\"zoe@example.org\",\"segment\":null,\"extra\":{\"name\":\"not me\"}},"
        + "\"accounts\":[{\"id\":1,\"balance\":-12.50,\"currency\":\"EUR\"},{\"id\":2,\"balance\":1e3},"
        + "{\"id\":3,\"balance\":null}],\"currencies\":[\"EUR\",\"USD\"],"
        + "\"latestPayments\":[{\"id\":9,\"merchant\":\"Hidden\",\"balance\":99999,\"profile\":{\"name\":\"x\"}}],"
        + "\"aggregates\":{\"paymentsThisMonth\":3,\"lastPaymentAt\":\"2026-12-01T10:00:00.000Z\"},"
        + "\"merchants\":[\"Beat Shop\",\"Caf\\u00e9\"],\"sourcePos\":\"00000000000000000042\"}";
    SearchFields fields = SearchFields.of(json);
    assertThat(fields.id).isEqualTo("7");
    assertThat(fields.customerId).isEqualTo("7");
    assertThat(fields.name).isEqualTo("Zoë \"Q\" Smith");
    assertThat(fields.email).isEqualTo("zoe@example.org");
    assertThat(fields.segment).isNull();
    assertThat(fields.currencies).containsExactly("EUR", "USD");
    assertThat(fields.merchants).containsExactly("Beat Shop", "Café");
    assertThat(fields.balances).containsExactly(new BigDecimal("-12.50"), new BigDecimal("1e3"));
    assertThat(fields.maxBalance()).isEqualByComparingTo("1000");
    assertThat(fields.lastPaymentAt).isEqualTo("2026-12-01T10:00:00.000Z");
    assertThat(fields.sourcePos).isEqualTo("00000000000000000042");
  }

  @Test
  void aDocumentWithoutAccountsHasNoLargestBalance() throws Exception {
    SearchFields fields = SearchFields.of("{\"id\":\"1\",\"accounts\":[],\"merchants\":[]}");
    assertThat(fields.maxBalance()).isNull();
    assertThat(fields.name).isNull();
    assertThat(fields.merchants).isEmpty();
  }

  @Test
  void somethingElseThanAnObjectIsRefused() {
    assertThatThrownBy(() -> SearchFields.of("[1,2]")).isInstanceOf(IOException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> SearchFields.of("{\"id\":")).isInstanceOf(IOException.class);
  }
}
