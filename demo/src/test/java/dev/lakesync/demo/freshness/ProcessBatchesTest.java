package dev.lakesync.demo.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessBatchesTest {
  @TempDir
  Path lake;

  @Test
  void readsEachBatchOnceAndSkipsAFileBeingWritten() throws Exception {
    PipelineConfig config = new PipelineConfigLoader(Map.of("LAKESYNC_LAKE_ROOT", lake.toString())::get)
        .load(Path.of("../deploy/local/pipeline.yaml"));
    ProcessBatches batches = new ProcessBatches(config);
    assertThat(batches.refresh()).isEmpty(); // no folder yet

    Path folder = Files.createDirectories(lake.resolve("_state/stream-processor/batches"));
    Files.writeString(folder.resolve("batch-00000000000000000003.json"), "{\"batch_id\":3,\"ended_at_ms\":5000,"
        + "\"lag_ms_by_table\":{\"customers\":120,\"payments\":80},\"quarantined_by_reason\":{\"rule currency_iso\":2}}\n");
    Files.writeString(folder.resolve("batch-00000000000000000004.json"), "{\"batch_id\":4,\"ended_at");
    Files.writeString(folder.resolve(".batch-00000000000000000003.json.crc"), "x");

    List<ProcessBatches.Batch> read = batches.refresh();
    assertThat(read).hasSize(1);
    assertThat(read.get(0).id).isEqualTo(3);
    assertThat(read.get(0).endedAtMs).isEqualTo(5000);
    assertThat(read.get(0).lagMsByTable).containsEntry("customers", 120L).containsEntry("payments", 80L);
    assertThat(read.get(0).quarantinedByReason).containsExactly(Map.entry("rule currency_iso", 2L));

    Files.writeString(folder.resolve("batch-00000000000000000004.json"), "{\"batch_id\":4,\"ended_at_ms\":6000}\n");
    assertThat(batches.refresh()).extracting(batch -> batch.id).containsExactly(3L, 4L);
  }
}
