package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadUdfTest {
  private final PayloadUdf payload = new PayloadUdf();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsTheEnvelopeIntoSchemaAndPayload() {
    byte[] value = bytes("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"payload\"}]},"
        + "\"payload\":{\"after\":{\"note\":\"a \\\",\\\"payload\\\": inside, and ü\"},\"op\":\"c\"}}");
    assertThat(PayloadUdf.schemaText(value)).isEqualTo("{\"type\":\"struct\",\"fields\":[{\"field\":\"payload\"}]}");
    assertThat(payload.call(value)).isEqualTo("{\"after\":{\"note\":\"a \\\",\\\"payload\\\": inside, and ü\"},\"op\":\"c\"}");
  }

  @Test
  void aColumnNamedPayloadInTheRowDoesNotConfuseIt() {
    byte[] value = bytes("{\"schema\":{},\"payload\":{\"after\":{\"id\":1,\"payload\":\"x\"}}}");
    assertThat(payload.call(value)).isEqualTo("{\"after\":{\"id\":1,\"payload\":\"x\"}}");
  }

  @Test
  void anythingElseIsNull() {
    assertThat(payload.call(bytes("this is not json"))).isNull();
    assertThat(payload.call(bytes("{\"before\":null,\"after\":{}}"))).isNull();
    assertThat(payload.call(bytes("{\"schema\":{}}"))).isNull();
    assertThat(payload.call(null)).isNull();
    assertThat(PayloadUdf.schemaText(bytes("{\"payload\":{}}"))).isNull();
  }

  @Test
  void theSchemaFingerprintDependsOnTheSchemaOnly() {
    byte[] first = bytes("{\"schema\":{\"fields\":[{\"field\":\"id\"}]},\"payload\":{\"op\":\"c\"}}");
    byte[] samePayloadOther = bytes("{\"schema\":{\"fields\":[{\"field\":\"id\"}]},\"payload\":{\"op\":\"u\"}}");
    byte[] otherSchema = bytes("{\"schema\":{\"fields\":[{\"field\":\"ID\"}]},\"payload\":{\"op\":\"c\"}}");
    assertThat(PayloadUdf.schemaId(first)).isNotNull().isEqualTo(PayloadUdf.schemaId(samePayloadOther));
    assertThat(PayloadUdf.schemaId(otherSchema)).isNotNull().isNotEqualTo(PayloadUdf.schemaId(first));
    assertThat(PayloadUdf.schemaId(bytes("{\"payload\":{}}"))).isNull();
    assertThat(PayloadUdf.schemaId(bytes("{\"schema\":{}}"))).isNull();
    assertThat(PayloadUdf.schemaId(null)).isNull();
  }
}
