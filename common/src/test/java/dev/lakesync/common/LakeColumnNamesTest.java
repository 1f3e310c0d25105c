package dev.lakesync.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LakeColumnNamesTest {
  @Test
  void keepsPlainNamesAndSpellsOthersPlainly() {
    Map<String, String> names = LakeColumnNames.assign(
        List.of("id", "Order Date", "größe", "price$", "2nd", "CustomerID", "été"), Map.of());

    assertThat(names).containsExactly(Map.entry("id", "id"), Map.entry("CustomerID", "CustomerID"),
        Map.entry("Order Date", "Order_Date"), Map.entry("größe", "grosse"), Map.entry("price$", "price_"),
        Map.entry("2nd", "c_2nd"), Map.entry("été", "ete"));
  }

  @Test
  void namesDifferingOnlyInCaseOrSpellingAlikeGetSuffixes() {
    Map<String, String> names = LakeColumnNames.assign(List.of("Id", "id", "a b", "a_b", "a-b", "_op"), Map.of());

    assertThat(names).containsEntry("Id", "Id").containsEntry("id", "id_2").containsEntry("a_b", "a_b")
        .containsEntry("a b", "a_b_2").containsEntry("a-b", "a_b_3").containsEntry("_op", "_op_2");
  }

  @Test
  void existingColumnsKeepTheirNamesWhenNewOnesArrive() {
    Map<String, String> first = LakeColumnNames.assign(List.of("a b"), Map.of());
    Map<String, String> second = LakeColumnNames.assign(List.of("a_b", "a b", "z"), first);

    assertThat(second).containsEntry("a b", "a_b").containsEntry("a_b", "a_b_2").containsEntry("z", "z");
  }

  @Test
  void anyNamesMapOneToOneOntoDistinctPlainIdentifiers() {
    Random random = new Random(7);
    String alphabet = "aAbB_ 1$é-ßö\"`.\t";
    for (int round = 0; round < 500; round++) {
      List<String> sources = new ArrayList<>();
      for (int column = 0; column < 1 + random.nextInt(12); column++) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
          name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        if (!sources.contains(name.toString())) {
          sources.add(name.toString());
        }
      }
      Map<String, String> existing = new LinkedHashMap<>();
      int kept = random.nextInt(sources.size() + 1);
      existing.putAll(LakeColumnNames.assign(sources.subList(0, kept), Map.of()));
      Map<String, String> names = LakeColumnNames.assign(sources, existing);

      assertThat(names.keySet()).as("seed round %d", round).containsExactlyInAnyOrderElementsOf(sources);
      Set<String> folded = new HashSet<>();
      for (Map.Entry<String, String> name : names.entrySet()) {
        assertThat(Identifiers.isValid(name.getValue())).as("%s -> %s", name.getKey(), name.getValue()).isTrue();
        assertThat(folded.add(name.getValue().toLowerCase(Locale.ROOT))).as("%s in %s", name, names).isTrue();
        assertThat(LakeColumnNames.RESERVED).doesNotContain(name.getValue().toLowerCase(Locale.ROOT));
      }
      existing.forEach((source, lake) -> assertThat(names).containsEntry(source, lake));
    }
  }
}
