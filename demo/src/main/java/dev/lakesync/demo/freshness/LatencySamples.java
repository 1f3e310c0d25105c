package dev.lakesync.demo.freshness;

import java.util.ArrayList;
import java.util.List;

/**
 * Source-commit-to-visible latencies of one target, each kept with its commit time so that a window of commits
 * (a benchmark phase, the dashboard's last minute) can be summarised on its own.
 */
public final class LatencySamples {
  private static final int MAX_SAMPLES = 1_000_000;

  private final List<long[]> samples = new ArrayList<>();

  public synchronized void add(long committedAtMs, long visibleAtMs) {
    if (samples.size() == MAX_SAMPLES) {
      samples.subList(0, MAX_SAMPLES / 10).clear(); // a long demo keeps the newest 90 %
    }
    samples.add(new long[] {committedAtMs, Math.max(0, visibleAtMs - committedAtMs)});
  }

  /** The newest change's latency, -1 before the first. */
  public synchronized long last() {
    return samples.isEmpty() ? -1 : samples.get(samples.size() - 1)[1];
  }

  /** Latencies of the changes committed in [fromMs, toMs). */
  public synchronized Summary between(long fromMs, long toMs) {
    List<Long> latencies = new ArrayList<>();
    for (long[] sample : samples) {
      if (sample[0] >= fromMs && sample[0] < toMs) {
        latencies.add(sample[1]);
      }
    }
    return Summary.of(latencies);
  }

  /** Percentiles of a set of latencies, nearest-rank. */
  public static final class Summary {
    public final int count;
    public final long p50Ms;
    public final long p99Ms;
    public final long maxMs;

    private Summary(int count, long p50Ms, long p99Ms, long maxMs) {
      this.count = count;
      this.p50Ms = p50Ms;
      this.p99Ms = p99Ms;
      this.maxMs = maxMs;
    }

    public static Summary of(List<Long> latencies) {
      if (latencies.isEmpty()) {
        return new Summary(0, -1, -1, -1);
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Summary(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static long rank(long[] sorted, double quantile) {
      int index = (int) Math.ceil(quantile * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }
}
