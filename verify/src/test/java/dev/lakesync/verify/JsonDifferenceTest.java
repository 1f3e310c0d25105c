package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonDifferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void numbersCompareByValueAndTheStoresOwnFieldsAreIgnored() throws Exception {
    assertThat(difference("{\"id\":\"1\",\"a\":[{\"b\":100.00}]}",
        "{\"id\":\"1\",\"a\":[{\"b\":100.0}],\"sourcePos\":\"x\",\"_etag\":\"e\",\"_ts\":1}")).isEmpty();
  }

  @Test
  void theFirstDifferenceIsNamedByItsPath() throws Exception {
    assertThat(difference("{\"p\":{\"name\":\"Bo\"}}", "{\"p\":{\"name\":\"Bob\"}}"))
        .isEqualTo("p.name: \"Bo\" vs \"Bob\"");
    assertThat(difference("{\"a\":[1,2]}", "{\"a\":[1]}")).isEqualTo("a: 2 elements expected, 1 stored");
    assertThat(difference("{\"a\":[{\"x\":1},{\"x\":2}]}", "{\"a\":[{\"x\":1},{\"x\":3}]}")).isEqualTo("a[1].x: 2 vs 3");
    assertThat(difference("{\"a\":null}", "{}")).isEqualTo("a: missing, expected null");
    assertThat(difference("{}", "{\"b\":1}")).isEqualTo("b: not expected, stored 1");
    // Only the top level belongs to the store: a nested underscore field is the document's.
    assertThat(difference("{\"n\":{}}", "{\"n\":{\"_x\":1}}")).isEqualTo("n._x: not expected, stored 1");
    assertThat(difference("{\"a\":\"1\"}", "{\"a\":1}")).isEqualTo("a: \"1\" vs 1");
  }

  private static String difference(String expected, String stored) throws Exception {
    JsonNode e = JSON.readTree(expected);
    JsonNode s = JSON.readTree(stored);
    return JsonDifference.of(e, s);
  }
}
