package dev.lakesync.demo.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySamplesTest {
  @Test
  void percentilesAreNearestRankOverTheCommitsOfTheWindowOnly() {
    LatencySamples samples = new LatencySamples();
    List<Long> shuffled = new ArrayList<>();
    for (long latency = 1; latency <= 100; latency++) {
      shuffled.add(latency);
    }
    Collections.shuffle(shuffled, new java.util.Random(3));
    long commit = 10_000;
    for (long latency : shuffled) {
      samples.add(commit, commit + latency);
      commit++;
    }
    samples.add(50_000, 59_000); // outside the window below

    LatencySamples.Summary window = samples.between(10_000, 10_100);
    assertThat(window.count).isEqualTo(100);
    assertThat(window.p50Ms).isEqualTo(50);
    assertThat(window.p99Ms).isEqualTo(99);
    assertThat(window.maxMs).isEqualTo(100);
    assertThat(samples.last()).isEqualTo(9_000);
    assertThat(samples.between(0, 10_000).count).isZero();
    assertThat(samples.between(0, 10_000).p99Ms).isEqualTo(-1);
  }

  @Test
  void aClockStepBackwardsIsNotANegativeLatency() {
    LatencySamples samples = new LatencySamples();
    samples.add(1_000, 990);
    assertThat(samples.last()).isZero();
  }
}
