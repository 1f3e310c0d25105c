package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void aZonelessDatetimeComparesAsItsWallClockInUtcLikeTheLakesTimestamp() {
    Instant lake = Instant.parse("2026-01-02T03:04:05.123456Z");
    assertThat(Values.of(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000))).isEqualTo(Values.of(Timestamp.from(lake)))
        .isEqualTo("2026-01-02T03:04:05.123456Z");
  }

  @Test
  void numbersCompareByValueWhateverTheirJavaType() {
    assertThat(Values.of(new BigDecimal("10.50"))).isEqualTo(Values.of((short) 10) + ".5").isEqualTo("10.5");
    assertThat(Values.of(-7)).isEqualTo(Values.of((short) -7)).isEqualTo(Values.of(-7L));
    assertThat(Values.of(new BigDecimal("0.00"))).isEqualTo("0");
  }

  @Test
  void arraysCompareElementByElementWhetherJdbcOrSparkReadThem() {
    scala.collection.Seq<Object> lake = scala.collection.JavaConverters.asScalaBuffer(
        java.util.Arrays.<Object>asList(1, null, 3)).toSeq();
    java.sql.Array source = (java.sql.Array) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {java.sql.Array.class}, (proxy, method, args) -> method.getName().equals("getArray")
            ? new Object[] {1L, null, new BigDecimal("3.0")} : null);
    assertThat(Values.of(lake)).isEqualTo(Values.of(source)).isEqualTo("[1, null, 3]");
  }

  @Test
  void aDecimalTheLakeKeepsAsTextComparesAsTheSourcesDecimalTrailingZerosAside() {
    assertThat(Values.ofDecimalText("-74.00")).isEqualTo(Values.of(new BigDecimal("-74"))).isEqualTo("-74");
    assertThat(Values.ofDecimalText("997059816151293631858584052364.80"))
        .isEqualTo(Values.of(new BigDecimal("997059816151293631858584052364.8")));
    assertThat(Values.ofDecimalText("1.20")).isNotEqualTo(Values.of(new BigDecimal("1.21")));
    assertThat(Values.ofDecimalText("NaN")).isEqualTo("NaN");
  }

  @Test
  void aTimeOfDayComparesAsTheMicrosecondsSinceMidnightTheLakeHolds() {
    assertThat(Values.ofTimeText("08:02:45")).isEqualTo(Values.of(28_965_000_000L));
    assertThat(Values.ofTimeText("01:54:44.98")).isEqualTo(Values.of(6_884_980_000L));
    assertThat(Values.ofTimeText("-838:59:59.000001")).isEqualTo("-3020399000001");
    assertThat(Values.ofTimeText(null)).isEqualTo("null");
  }

  @Test
  void anAmountOfMoneyComparesAsItsDecimalWhateverTheCurrencysGrouping() {
    assertThat(Values.ofMoneyText("-9,475,354.30")).isEqualTo(Values.of(new BigDecimal("-9475354.3")));
    assertThat(Values.ofMoneyText("$1,234.50")).isEqualTo("1234.5");
    assertThat(Values.ofMoneyText("($3.00)")).isEqualTo("-3");
  }

  @Test
  void aBitStringComparesWithTheLittleEndianBytesDebeziumMakesOfIt() {
    assertThat(Values.ofBits("011010110111")).isEqualTo(Values.ofBits(new byte[] {(byte) 0xB7, 0x06}));
    assertThat(Values.ofBits("011010110111")).isNotEqualTo(Values.ofBits(new byte[] {0x06, (byte) 0xB7}));
    assertThat(Values.ofBits("000")).isEqualTo(Values.ofBits(new byte[0])).isEqualTo(Values.ofBits(""));
  }

  @Test
  void anIntervalComparesInTheIsoFormDebeziumSends() throws Exception {
    assertThat(Values.of(new org.postgresql.util.PGInterval("31 years 3 mons -15 days 06:12:59.576741")))
        .isEqualTo("P31Y3M-15DT6H12M59.576741S");
    assertThat(Values.of(new org.postgresql.util.PGInterval("1 day -04:05:06"))).isEqualTo("P0Y0M1DT-4H-5M-6S");
  }
}
