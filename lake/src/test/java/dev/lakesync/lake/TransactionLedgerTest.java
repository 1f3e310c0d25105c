package dev.lakesync.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransactionLedgerTest {
  @Test
  void aTransactionIsWholeOnlyOnceItsEndAndEveryChangeItCountsWereSeenInAnyOrder() {
    TransactionLedger ledger = new TransactionLedger();
    ledger.seen("7", "s.a", List.of(1L, 2L), 0);
    assertThat(ledger.settle(-1)).isEmpty();
    assertThat(ledger.openCount()).as("no END yet").isEqualTo(1);

    ledger.ended("7", Map.of("s.a", 2L, "s.b", 1L), 0);
    ledger.settle(-1);
    assertThat(ledger.openCount()).as("s.b's change not seen").isEqualTo(1);
    assertThat(ledger.oldestOpen()).isEqualTo("7 (s.a 2/2, s.b 0/1)");

    ledger.seen("7", "s.b", List.of(1L), 0);
    ledger.settle(-1);
    assertThat(ledger.openCount()).isZero();

    ledger.ended("8", Map.of("s.a", 1L), 0);
    assertThat(ledger.settle(-1)).isEmpty();
    assertThat(ledger.openCount()).as("END before its change").isEqualTo(1);
    ledger.seen("8", "s.a", List.of(1L), 0);
    ledger.settle(-1);
    assertThat(ledger.openCount()).isZero();
  }

  @Test
  void aBatchReadAgainCountsNothingTwice() {
    TransactionLedger ledger = new TransactionLedger();
    ledger.ended("9", Map.of("s.a", 2L), 0);
    ledger.seen("9", "s.a", List.of(1L), 0);
    ledger.seen("9", "s.a", List.of(1L), 0);
    ledger.settle(-1);
    assertThat(ledger.openCount()).isEqualTo(1);
  }

  @Test
  void aChangePublishedAgainAfterItsTransactionWasWholeDoesNotOpenIt() {
    TransactionLedger ledger = new TransactionLedger();
    ledger.seen("5", "s.a", List.of(1L), 0);
    ledger.ended("5", Map.of("s.a", 1L), 0);
    ledger.settle(-1);
    TransactionLedger restored = TransactionLedger.fromJson(ledger.toJson());
    restored.seen("5", "s.a", List.of(1L), 0);
    restored.ended("5", Map.of("s.a", 1L), 0);
    restored.settle(-1);
    assertThat(restored.openCount()).isZero();
    for (int i = 0; i < TransactionLedger.REMEMBERED; i++) {
      restored.seen("x" + i, "s.a", List.of(1L), 0);
      restored.ended("x" + i, Map.of("s.a", 1L), 0);
    }
    restored.settle(-1);
    restored.seen("5", "s.a", List.of(1L), 0);
    assertThat(restored.openCount()).as("forgotten once enough others were whole").isEqualTo(1);
  }

  @Test
  void aTransactionOpenTooLongIsLetGoAndDescribed() {
    TransactionLedger ledger = new TransactionLedger();
    ledger.seen("old", "s.a", List.of(1L), 100);
    ledger.seen("new", "s.a", List.of(1L), 500);
    assertThat(ledger.settle(200)).containsExactly("old (no END marker yet)");
    assertThat(ledger.openCount()).isEqualTo(1);
  }

  @Test
  void survivesARestartThroughItsJson() {
    TransactionLedger ledger = new TransactionLedger();
    ledger.seen("1", "s.a", List.of(1L, 3L), 5);
    ledger.ended("1", Map.of("s.a", 3L), 5);
    TransactionLedger restored = TransactionLedger.fromJson(ledger.toJson());
    assertThat(restored.toJson()).isEqualTo(ledger.toJson());
    restored.seen("1", "s.a", List.of(2L), 6);
    restored.settle(-1);
    assertThat(restored.openCount()).isZero();
  }
}
