package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ColumnSpecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A name as Debezium's pgoutput decoder delivers it: each UTF-8 byte as one sign-extended char. */
  private static String asPgoutputDelivers(String name) {
    StringBuilder wire = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      wire.append((char) b);
    }
    return wire.toString();
  }

  @Test
  void decodesNamesThatPgoutputDeliveredByteByByteAndKeepsOthers() {
    for (String name : new String[] {"größe", "Order Date", "日付", "price$", "Ａ"}) {
      assertThat(ColumnSpec.sourceName(asPgoutputDelivers(name))).isEqualTo(name);
    }
    assertThat(ColumnSpec.sourceName("größe")).as("a name delivered as it is").isEqualTo("größe");
    assertThat(ColumnSpec.sourceName("\uFFC3")).as("not UTF-8 once decoded: kept").isEqualTo("\uFFC3");
  }

  @Test
  void mapsDecimalsSparkCannotHoldToTheirExactTextMoneyToCentsAndPlainArraysToArrays() throws Exception {
    assertThat(column("{\"type\":\"string\",\"field\":\"d\",\"parameters\":{\"__debezium.source.column.type\":\"NUMERIC\","
        + "\"__debezium.source.column.length\":\"14\",\"__debezium.source.column.scale\":\"2\"}}").sqlType).isEqualTo("DECIMAL(14,2)");
    assertThat(column("{\"type\":\"string\",\"field\":\"d\",\"parameters\":{\"__debezium.source.column.type\":\"NUMERIC\","
        + "\"__debezium.source.column.length\":\"40\",\"__debezium.source.column.scale\":\"39\"}}").sqlType).isEqualTo("STRING");
    assertThat(column("{\"type\":\"string\",\"field\":\"d\",\"parameters\":{\"__debezium.source.column.type\":\"NUMERIC\","
        + "\"__debezium.source.column.length\":\"131089\",\"__debezium.source.column.scale\":\"0\"}}").sqlType).isEqualTo("STRING");
    assertThat(column("{\"type\":\"string\",\"field\":\"m\",\"parameters\":{\"__debezium.source.column.type\":\"MONEY\"}}")
        .sqlType).isEqualTo("DECIMAL(19,2)");
    assertThat(column("{\"type\":\"array\",\"field\":\"a\",\"items\":{\"type\":\"int32\"}}").sqlType).isEqualTo("ARRAY<INT>");
    assertThat(column("{\"type\":\"array\",\"field\":\"a\",\"items\":{\"type\":\"int32\",\"name\":\"io.debezium.time.Date\"}}")
        .sqlType).isEqualTo("ARRAY<DATE>");
    assertThat(column("{\"type\":\"array\",\"field\":\"a\",\"items\":{\"type\":\"string\",\"name\":\"io.debezium.data.VariableScaleDecimal\"}}")
        .sqlType).isEqualTo("STRING");
    assertThat(column("{\"type\":\"struct\",\"field\":\"g\",\"fields\":[]}").sqlType).isEqualTo("STRING");
    // A type Debezium does not know travels as its text's bytes: text again in the lake. Real bytes stay bytes.
    assertThat(column("{\"type\":\"bytes\",\"field\":\"p\",\"parameters\":{\"__debezium.source.column.type\":\"PAIR\"}}")
        .sqlType).isEqualTo("STRING");
    assertThat(column("{\"type\":\"bytes\",\"field\":\"b\",\"parameters\":{\"__debezium.source.column.type\":\"BYTEA\"}}")
        .sqlType).isEqualTo("BINARY");
    assertThat(column("{\"type\":\"bytes\",\"field\":\"b\"}").sqlType).isEqualTo("BINARY");
  }

  private static ColumnSpec column(String field) throws Exception {
    return ColumnSpec.of(JSON.readTree(field));
  }
}
