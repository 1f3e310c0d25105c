package dev.lakesync.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * When the chaos soak strikes and what: SIGKILLs of each stage, broker restarts and source restarts (fast and
 * immediate shutdowns), spread over the workload's expected duration with jitter, the same for the same seed. The
 * first kill of capture is aimed at its initial snapshot (time 0: the soak waits for the snapshot to begin).
 */
final class ChaosPlan {
  enum Kind { KILL, BROKER_RESTART, SOURCE_RESTART_FAST, SOURCE_RESTART_IMMEDIATE }

  static final class Action {
    final long atMs;
    final Kind kind;
    /** The stage killed (KILL only). */
    final String stage;
    /** How long the stage, broker or source stays down. */
    final long downMs;
    /** Capture's kill aimed at its initial snapshot. */
    final boolean duringSnapshot;

    Action(long atMs, Kind kind, String stage, long downMs, boolean duringSnapshot) {
      this.atMs = atMs;
      this.kind = kind;
      this.stage = stage;
      this.downMs = downMs;
      this.duringSnapshot = duringSnapshot;
    }

    @Override
    public String toString() {
      return (kind == Kind.KILL ? "kill -9 " + stage + (duringSnapshot ? " (during its snapshot)" : "")
          : kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')) + " at " + atMs / 1000 + " s, down "
          + downMs + " ms";
    }
  }

  private final List<Action> actions;

  private ChaosPlan(List<Action> actions) {
    this.actions = actions;
  }

  /**
   * @param stages the stages, the first being capture
   * @param kills  SIGKILLs in all, shared evenly among the stages (at least one each)
   */
  static ChaosPlan of(long seed, List<String> stages, int kills, int brokerRestarts, int sourceRestarts, Duration over) {
    if (kills < stages.size() || brokerRestarts < 0 || sourceRestarts < 0 || over.toMillis() <= 0) {
      throw new IllegalArgumentException("a chaos plan needs at least one kill per stage (" + stages.size()
          + "), no negative restarts and a positive duration");
    }
    Random random = new Random(seed);
    List<Kind> kinds = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      // Evenly first, then the remainder to stages picked at random.
      killed.add(i < kills - kills % stages.size() ? stages.get(i % stages.size()) : stages.get(random.nextInt(stages.size())));
    }
    killed.remove(stages.get(0)); // capture's first kill is the snapshot one
    List<String> spread = new ArrayList<>();
    for (String stage : killed) {
      kinds.add(Kind.KILL);
      spread.add(stage);
    }
    for (int i = 0; i < brokerRestarts; i++) {
      kinds.add(Kind.BROKER_RESTART);
      spread.add(null);
    }
    for (int i = 0; i < sourceRestarts; i++) {
      // Alternating, so that two or more restarts include both kinds of shutdown.
      kinds.add(i % 2 == 0 ? Kind.SOURCE_RESTART_IMMEDIATE : Kind.SOURCE_RESTART_FAST);
      spread.add(null);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);

    List<Action> actions = new ArrayList<>();
    actions.add(new Action(0, Kind.KILL, stages.get(0), downMs(random, Kind.KILL), true));
    long span = over.toMillis();
    double slot = 0.9 * span / Math.max(1, order.size());
    for (int i = 0; i < order.size(); i++) {
      int pick = order.get(i);
      long at = (long) (0.05 * span + slot * (i + 0.5) + (random.nextDouble() - 0.5) * 0.6 * slot);
      actions.add(new Action(at, kinds.get(pick), spread.get(pick), downMs(random, kinds.get(pick)), false));
    }
    actions.sort(Comparator.comparingLong(action -> action.atMs));
    return new ChaosPlan(List.copyOf(actions));
  }

  /** A killed stage is started again within 3 s; the broker and the source stay down 2 to 8 s. */
  private static long downMs(Random random, Kind kind) {
    return kind == Kind.KILL ? random.nextInt(3_000) : 2_000 + random.nextInt(6_000);
  }

  List<Action> actions() {
    return actions;
  }

  long count(Kind kind) {
    return actions.stream().filter(action -> action.kind == kind).count();
  }
}
