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
}
