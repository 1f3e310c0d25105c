package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConflictRetryTest {
  @Test
  void retriesAConflictUntilTheWriteGoesThrough() {
    AtomicInteger attempts = new AtomicInteger();
    long result = ConflictRetry.run("test write", () -> {
      if (attempts.incrementAndGet() < 3) {
        throw new IllegalStateException("wrapped", new ConcurrentModificationException("files were removed"));
      }
      return 42;
    });
    assertThat(result).isEqualTo(42);
    assertThat(attempts).hasValue(3);
  }

  @Test
  void givesUpAfterTheBoundAndReportsTheConflict() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> ConflictRetry.run("test write", () -> {
      attempts.incrementAndGet();
      throw new ConcurrentModificationException("always");
    })).isInstanceOf(ConcurrentModificationException.class).hasMessage("always");
    assertThat(attempts).hasValue(ConflictRetry.ATTEMPTS);
  }

  @Test
  void doesNotRetryOtherFailures() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> ConflictRetry.run("test write", () -> {
      attempts.incrementAndGet();
      throw new IllegalArgumentException("bad data");
    })).isInstanceOf(IllegalArgumentException.class);
    assertThat(attempts).hasValue(1);
  }
}
