package dev.lakesync.common.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Source blocks as Debezium 3.3 writes them (copied from captured events), and their order. */
class SourcePositionTest {
  private static Map<String, Object> source(Object... keysAndValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static String pg(String sequence, long lsn) {
    return SourcePosition.of("postgresql", source("lsn", lsn, "sequence", sequence));
  }

  @Test
  void ordersPostgresChangesByCommitThenChangeLsn() {
    String snapshotRead = pg("[null,\"24298632\"]", 24298632L);
    String firstInTx = pg("[\"24298736\",\"24298776\"]", 24298776L);
    String laterInSameTx = pg("[\"24298736\",\"24299256\"]", 24299256L);
    String nextTx = pg("[\"24299400\",\"24299100\"]", 24299100L);

    assertThat(List.of(snapshotRead, firstInTx, laterInSameTx, nextTx)).isSorted();
    assertThat(firstInTx).isEqualTo("00000000000024298736/00000000000024298776");
  }

  @Test
  void anIncrementalSnapshotReadSortsAfterTheChangesStreamedBeforeItAndBeforeLaterOnes() {
    // A change's sequence holds the last commit LSN before its transaction, then its own LSN; an incremental read
    // carries no LSN and the last commit LSN twice.
    String streamedBefore = pg("[\"24298000\",\"24298500\"]", 24298500L); // its transaction commits at 24298736
    String incrementalRead = SourcePosition.of("postgresql", source("lsn", null, "snapshot", "incremental",
        "sequence", "[\"24298736\",\"24298736\"]"));
    String streamedAfter = pg("[\"24298736\",\"24298776\"]", 24298776L);

    assertThat(List.of(streamedBefore, incrementalRead, streamedAfter)).isSorted();
  }

  @Test
  void aSnapshotReadSortsBeforeAChangeThatBeganBeforeTheSlotsConsistentPoint() {
    // The slot's consistent point (the snapshot's LSN) is 24300000; a transaction that wrote at 24299000 and
    // committed after it is not in the snapshot and is the first streamed: no commit LSN in its sequence yet.
    String snapshotRead = SourcePosition.of("postgresql", source("lsn", 24300000L, "sequence", "[null,\"24300000\"]",
        "snapshot", "true"));
    String lastSnapshotRead = SourcePosition.of("postgresql", source("lsn", 24300000L, "snapshot", "last"));
    String firstStreamed = SourcePosition.of("postgresql", source("lsn", 24299000L, "sequence", "[null,\"24299000\"]",
        "snapshot", "false"));
    String laterStreamed = pg("[\"24300500\",\"24300600\"]", 24300600L);

    assertThat(List.of(snapshotRead, firstStreamed, laterStreamed)).isSorted();
    assertThat(lastSnapshotRead).isEqualTo(snapshotRead);
  }

  @Test
  void ordersCommitsBeforeChangeLsnsThatInterleave() {
    // A long transaction's changes can have lower LSNs than a short one that committed first; commit order wins.
    String shortTxCommittedFirst = pg("[\"5000\",\"4800\"]", 4800L);
    String longTxCommittedLater = pg("[\"6000\",\"1000\"]", 1000L);

    assertThat(shortTxCommittedFirst).isLessThan(longTxCommittedLater);
  }

  @Test
  void comparesAsStringsExactlyAsTheNumbersCompare() {
    Random random = new Random(3);
    List<long[]> numbers = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      numbers.add(new long[] {random.nextInt(1 << 20) * (long) random.nextInt(1 << 20), random.nextInt(1 << 30)});
    }
    List<String> positions = new ArrayList<>();
    for (long[] pair : numbers) {
      positions.add(pg("[\"" + pair[0] + "\",\"" + pair[1] + "\"]", pair[1]));
    }
    numbers.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    List<String> expected = new ArrayList<>();
    for (long[] pair : numbers) {
      expected.add(pg("[\"" + pair[0] + "\",\"" + pair[1] + "\"]", pair[1]));
    }
    Collections.sort(positions);
    assertThat(positions).isEqualTo(expected);
  }

  @Test
  void ordersMySqlByBinlogFileThenPositionThenRow() {
    String a = SourcePosition.of("mysql", source("file", "binlog.000009", "pos", 99_999L, "row", 0));
    String b = SourcePosition.of("mysql", source("file", "binlog.000010", "pos", 4L, "row", 0));
    String c = SourcePosition.of("mariadb", source("file", "binlog.000010", "pos", 4L, "row", 1));
    String d = SourcePosition.of("mysql", source("file", "binlog.000010", "pos", 120L, "row", 0));

    assertThat(List.of(a, b, c, d)).isSorted();
  }

  @Test
  void ordersSqlServerByCommitLsnChangeLsnAndSerial() {
    String snapshot = SourcePosition.of("sqlserver", source("commit_lsn", null, "change_lsn", null));
    String a = SourcePosition.of("sqlserver", source("commit_lsn", "0000002b:00000ab0:0003", "change_lsn", "0000002b:00000ab0:0002", "event_serial_no", 1));
    String b = SourcePosition.of("sqlserver", source("commit_lsn", "0000002b:00000ab0:0003", "change_lsn", "0000002b:00000ab0:0002", "event_serial_no", 2));
    String c = SourcePosition.of("sqlserver", source("commit_lsn", "0000002c:00000010:0001", "change_lsn", "0000002b:00000fff:0001", "event_serial_no", 1));

    assertThat(List.of(snapshot, a, b, c)).isSorted();
  }

  @Test
  void ordersOracleByCommitScnThenScn() {
    String a = SourcePosition.of("oracle", source("scn", "900", "commit_scn", "1000"));
    String b = SourcePosition.of("oracle", source("scn", "950", "commit_scn", "1000"));
    String c = SourcePosition.of("oracle", source("scn", "800", "commit_scn", "1100"));

    assertThat(List.of(a, b, c)).isSorted();
  }

  @Test
  void rejectsWhatItCannotOrder() {
    assertThatThrownBy(() -> SourcePosition.of("db2", source()))
        .hasMessage("no source position for connector 'db2'");
    assertThatThrownBy(() -> SourcePosition.of("postgresql", source("lsn", 1L, "sequence", "garbage")))
        .hasMessage("unreadable PostgreSQL source.sequence: garbage");
    assertThatThrownBy(() -> SourcePosition.of("mysql", source("pos", 1L)))
        .hasMessage("MySQL source block without 'file'");
  }
}
