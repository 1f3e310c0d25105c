package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeUdfTest {
  private final EnvelopeUdf envelope = new EnvelopeUdf();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsTheEnvelopeIntoSchemaAndPayload() {
    byte[] value = bytes("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"payload\"}]},"
        + "\"payload\":{\"after\":{\"note\":\"a \\\",\\\"payload\\\": inside, and ü\"},\"op\":\"c\"}}");
    assertThat(EnvelopeUdf.schemaText(value)).isEqualTo("{\"type\":\"struct\",\"fields\":[{\"field\":\"payload\"}]}");
    assertThat(payload(envelope.call(value))).isEqualTo("{\"after\":{\"note\":\"a \\\",\\\"payload\\\": inside, and ü\"},\"op\":\"c\"}");
  }

  @Test
  void aColumnNamedPayloadInTheRowDoesNotConfuseIt() {
    byte[] value = bytes("{\"schema\":{},\"payload\":{\"after\":{\"id\":1,\"payload\":\"x\"}}}");
    assertThat(payload(envelope.call(value))).isEqualTo("{\"after\":{\"id\":1,\"payload\":\"x\"}}");
  }

  @Test
  void recordsAfterTheFirstAreSplitAsTheFirstWas() {
    // The second and later records are compared with the schema found before them, not scanned: each must still
    // split exactly where a scan would, whether its schema is the same, longer, shorter or different.
    String schema = "{\"fields\":[{\"field\":\"id\"}]}";
    String[] values = {
        "{\"schema\":" + schema + ",\"payload\":{\"op\":\"c\"}}",
        "{\"schema\":" + schema + ",\"payload\":{\"op\":\"u\",\"note\":\",\\\"payload\\\":\"}}",
        "{\"schema\":" + schema.replace("]}", ",{\"field\":\"n\"}]}") + ",\"payload\":{\"op\":\"d\"}}",
        "{\"schema\":" + schema + ",\"payload\":{\"op\":\"r\"}}",
        "{\"schema\":{},\"payload\":{\"op\":\"t\"}}",
        "{\"schema\":" + schema + ",\"payloads\":{\"op\":\"x\"}}",
        "{\"schema\":" + schema + "}",
        "{\"schema\":" + schema + ",\"payload\":{\"op\":\"c\"}}"};
    for (String text : values) {
      byte[] value = bytes(text);
      int at = text.indexOf(",\"payload\":", "{\"schema\":".length());
      String expected = at < 0 ? null : text.substring(at + ",\"payload\":".length(), text.length() - 1);
      assertThat(payload(envelope.call(value))).as(text).isEqualTo(expected);
      assertThat(schemaId(envelope.call(value))).as(text).isEqualTo(scannedSchemaId(value));
      assertThat(EnvelopeUdf.schemaText(value)).as(text).isEqualTo(at < 0 ? null : text.substring("{\"schema\":".length(), at));
    }
  }

  private static String payload(org.apache.spark.sql.Row split) {
    return split == null || split.isNullAt(1) ? null : split.get(1).toString();
  }

  /** The fingerprint a fresh instance gives (its first record is always scanned). */
  private static Long scannedSchemaId(byte[] value) {
    return schemaId(new EnvelopeUdf().call(value));
  }

  private static Long schemaId(org.apache.spark.sql.Row split) {
    return split == null ? null : split.getLong(0);
  }

  @Test
  void anythingElseIsNull() {
    assertThat(envelope.call(bytes("{\"schema\":{},\"payload\":{\"op\":\"c\""))).isNotNull()
        .satisfies(split -> assertThat(split.get(1)).as("a payload cut short").isNull());
    assertThat(payload(envelope.call(bytes("this is not json")))).isNull();
    assertThat(payload(envelope.call(bytes("{\"before\":null,\"after\":{}}")))).isNull();
    assertThat(payload(envelope.call(bytes("{\"schema\":{}}")))).isNull();
    assertThat(payload(envelope.call(null))).isNull();
    assertThat(EnvelopeUdf.schemaText(bytes("{\"payload\":{}}"))).isNull();
  }

  @Test
  void theSchemaFingerprintDependsOnTheSchemaOnly() {
    byte[] first = bytes("{\"schema\":{\"fields\":[{\"field\":\"id\"}]},\"payload\":{\"op\":\"c\"}}");
    byte[] samePayloadOther = bytes("{\"schema\":{\"fields\":[{\"field\":\"id\"}]},\"payload\":{\"op\":\"u\"}}");
    byte[] otherSchema = bytes("{\"schema\":{\"fields\":[{\"field\":\"ID\"}]},\"payload\":{\"op\":\"c\"}}");
    assertThat(scannedSchemaId(first)).isNotNull().isEqualTo(scannedSchemaId(samePayloadOther));
    assertThat(scannedSchemaId(otherSchema)).isNotNull().isNotEqualTo(scannedSchemaId(first));
    assertThat(scannedSchemaId(bytes("{\"payload\":{}}"))).isNull();
    assertThat(scannedSchemaId(bytes("{\"schema\":{}}"))).isNull();
    assertThat(scannedSchemaId(null)).isNull();
  }
}
