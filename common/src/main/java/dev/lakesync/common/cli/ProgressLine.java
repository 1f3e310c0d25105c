package dev.lakesync.common.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A long command's progress: how far, how fast, how long still. On a terminal one line redrawn in place with a bar;
 * elsewhere (a log file, CI) a plain line at most every so often. Lines that are not progress go through
 * {@link #say} so that they never land on top of the live line.
 */
public final class ProgressLine {
  private static final long TERMINAL_REDRAW_NANOS = Duration.ofMillis(250).toNanos();

  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final String unit;
  private final long total;
  private final long plainEveryNanos;
  private final LongSupplier nanos;
  private final long started;
  private long lastShown;
  private boolean drawn;

  ProgressLine(PrintStream out, boolean terminal, String label, String unit, long total, Duration plainEvery,
      LongSupplier nanos) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.plainEveryNanos = plainEvery.toNanos();
    this.nanos = nanos;
    this.started = nanos.getAsLong();
    this.lastShown = started;
  }

  /**
   * @param total how many there will be, 0 when unknown (no bar, no time left)
   */
  public static ProgressLine start(PrintStream out, String label, String unit, long total, Duration plainEvery) {
    return new ProgressLine(out, System.console() != null, label, unit, total, plainEvery, System::nanoTime);
  }

  /** Shows {@code done} (and {@code extra}, e.g. ", 12 rule-breaking") when it is time to. */
  public synchronized void update(long done, String extra) {
    long now = nanos.getAsLong();
    if (now - lastShown < (terminal ? TERMINAL_REDRAW_NANOS : plainEveryNanos)) {
      return;
    }
    lastShown = now;
    String line = render(label, unit, done, total, (now - started) / 1e9, terminal) + extra;
    if (terminal) {
      out.print("\r\033[K" + line);
      drawn = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** A line that is not progress: printed above the live line, which the next update draws again. */
  public synchronized void say(String line) {
    clear();
    out.println(line);
    out.flush();
  }

  /** Takes the live line away; the command prints its own last lines after. */
  public synchronized void finish() {
    clear();
    out.flush();
  }

  private void clear() {
    if (drawn) {
      out.print("\r\033[K");
      drawn = false;
    }
  }

  static String render(String label, String unit, long done, long total, double seconds, boolean bar) {
    double rate = seconds > 0 ? done / seconds : 0;
    StringBuilder text = new StringBuilder(label).append(": ");
    if (total > 0) {
      if (bar) {
        int filled = (int) Math.min(20, done * 20 / total);
        text.append('[').append("#".repeat(filled)).append("-".repeat(20 - filled)).append("] ");
      }
      text.append(String.format(Locale.ROOT, "%,d/%,d %s (%d%%)", done, total, unit, Math.min(100, done * 100 / total)));
    } else {
      text.append(String.format(Locale.ROOT, "%,d %s", done, unit));
    }
    text.append(String.format(Locale.ROOT, ", %,.0f/s", rate));
    if (total > 0 && rate > 0 && done < total) {
      text.append(", ").append(timeLeft((total - done) / rate)).append(" left");
    }
    return text.toString();
  }

  static String timeLeft(double seconds) {
    long whole = (long) Math.ceil(seconds);
    if (whole >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", whole / 3600, whole % 3600 / 60);
    }
    return whole >= 60 ? String.format(Locale.ROOT, "%dm%02ds", whole / 60, whole % 60) : whole + "s";
  }
}
