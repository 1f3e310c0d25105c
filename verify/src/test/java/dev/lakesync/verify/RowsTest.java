package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowsTest {
  @Test
  void keyedRowsAreFoundByTheirKey() {
    Rows rows = new Rows();
    assertThat(rows.put(List.of("b", "a"), Map.of("a", "1", "b", "x", "c", "3"))).isEqualTo("b=x,a=1");
    rows.put(List.of("b", "a"), Map.of("a", "1", "b", "x", "c", "4"));
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.byKey.get("b=x,a=1")).containsEntry("c", "4");
  }

  @Test
  void keylessRowsCountEveryOccurrenceWhateverTheirOrder() {
    Rows source = new Rows();
    source.put(List.of(), Map.of("at", "2", "actor", "bob"));
    source.put(List.of(), Map.of("at", "1", "actor", "ada"));
    source.put(List.of(), Map.of("at", "2", "actor", "bob"));
    Rows lake = new Rows();
    lake.put(List.of(), Map.of("actor", "bob", "at", "2"));
    lake.put(List.of(), Map.of("actor", "bob", "at", "2"));
    lake.put(List.of(), Map.of("actor", "ada", "at", "1"));

    assertThat(source.byKey).isEqualTo(lake.byKey).containsOnlyKeys("actor=ada,at=1#1", "actor=bob,at=2#1",
        "actor=bob,at=2#2");
    lake.put(List.of(), Map.of("actor", "bob", "at", "2"));
    assertThat(Rows.union(source.byKey, lake.byKey)).contains("actor=bob,at=2#3");
    assertThat(source.byKey.get("actor=bob,at=2#3")).isNull();
  }

  @Test
  void aSourceColumnTheLakeLacksDiffersUnlessItIsNull() {
    Map<String, String> source = Map.of("id", "1", "note", "hi", "added", "null");
    Map<String, String> lake = Map.of("id", "1");

    assertThat(Rows.differenceInEveryColumn(source, lake)).isEqualTo("{note=hi vs no such column}");
    assertThat(Rows.difference(source, lake)).as("the warehouse's comparison: columns both have").isEmpty();
    assertThat(Rows.differenceInEveryColumn(Map.of("id", "1", "added", "null"), lake)).isEmpty();
  }
}
