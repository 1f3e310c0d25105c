package dev.lakesync.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
  @Test
  void quotesValidNamesPerDialect() {
    assertThat(Identifiers.quoteAnsi("customers")).isEqualTo("\"customers\"");
    assertThat(Identifiers.quoteTsql("dim_customer")).isEqualTo("[dim_customer]");
  }

  @Test
  void rejectsNamesThatCouldBreakOutOfQuotes() {
    for (String hostile : new String[] {"a\"b", "a]b", "x; DROP TABLE y", "", "1abc", "a b", "a.b", "naïve"}) {
      assertThatThrownBy(() -> Identifiers.quoteAnsi(hostile))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not a valid identifier: '" + hostile + "'");
    }
    assertThat(Identifiers.isValid(null)).isFalse();
  }

  @Test
  void buildsTheLakeLayoutOfContract4() {
    LakePaths paths = new LakePaths("abfss://lake@a.dfs.core.windows.net/root/");

    assertThat(paths.landing("bank", "customers")).isEqualTo("abfss://lake@a.dfs.core.windows.net/root/landing/bank/customers");
    assertThat(paths.landingOfUnknownTables()).endsWith("/root/landing/_unknown");
    assertThat(paths.quarantine("bank", "payments")).endsWith("/root/quarantine/bank/payments");
    assertThat(paths.validated("bank", "accounts")).endsWith("/root/validated/bank/accounts");
    assertThat(paths.checkpoints("stream-processor")).endsWith("/root/_checkpoints/stream-processor");
    assertThat(paths.state("warehouse-loader")).endsWith("/root/_state/warehouse-loader");
    assertThatThrownBy(() -> paths.landing("bank", "../etc")).isInstanceOf(IllegalArgumentException.class);
  }
}
