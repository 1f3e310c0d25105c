package dev.lakesync.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {
  private static final List<String> STAGES = List.of("capture", "process", "warehouse", "serving");

  @Test
  void killsAreSharedAmongTheStagesAndCaptureIsKilledFirstDuringItsSnapshot() {
    ChaosPlan plan = ChaosPlan.of(7, STAGES, 26, 3, 4, Duration.ofMinutes(5));

    Map<String, Long> kills = plan.actions().stream().filter(action -> action.kind == ChaosPlan.Kind.KILL)
        .collect(Collectors.groupingBy(action -> action.stage, TreeMap::new, Collectors.counting()));
    assertThat(kills.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(26);
    assertThat(kills).containsOnlyKeys(STAGES).allSatisfy((stage, count) -> assertThat(count).isGreaterThanOrEqualTo(6));
    ChaosPlan.Action first = plan.actions().get(0);
    assertThat(first.duringSnapshot).isTrue();
    assertThat(first.stage).isEqualTo("capture");
    assertThat(plan.actions().stream().filter(action -> action.duringSnapshot)).hasSize(1);
  }

  @Test
  void restartsOfTheSourceIncludeBothShutdownsAndEverythingFallsWithinTheDurationInOrder() {
    ChaosPlan plan = ChaosPlan.of(3, STAGES, 4, 1, 2, Duration.ofSeconds(40));

    assertThat(plan.count(ChaosPlan.Kind.BROKER_RESTART)).isEqualTo(1);
    assertThat(plan.count(ChaosPlan.Kind.SOURCE_RESTART_FAST)).isEqualTo(1);
    assertThat(plan.count(ChaosPlan.Kind.SOURCE_RESTART_IMMEDIATE)).isEqualTo(1);
    assertThat(plan.actions()).hasSize(7);
    assertThat(plan.actions()).isSortedAccordingTo((a, b) -> Long.compare(a.atMs, b.atMs))
        .allSatisfy(action -> assertThat(action.atMs).isBetween(0L, 40_000L));
    assertThat(plan.actions()).filteredOn(action -> action.kind == ChaosPlan.Kind.KILL)
        .allSatisfy(action -> assertThat(action.downMs).isLessThan(3_000));
  }

  @Test
  void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
    assertThat(ChaosPlan.of(11, STAGES, 24, 3, 4, Duration.ofMinutes(5)).actions().toString())
        .isEqualTo(ChaosPlan.of(11, STAGES, 24, 3, 4, Duration.ofMinutes(5)).actions().toString())
        .isNotEqualTo(ChaosPlan.of(12, STAGES, 24, 3, 4, Duration.ofMinutes(5)).actions().toString());
  }

  @Test
  void fewerKillsThanStagesIsRefused() {
    assertThatThrownBy(() -> ChaosPlan.of(1, STAGES, 3, 0, 0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one kill per stage");
  }
}
