package dev.lakesync.demo.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.demo.WorkloadGenerator;
import dev.lakesync.localstack.EmbeddedStack;
import dev.lakesync.serving.sinks.Document;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.LocalDocumentStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The probe against the real warehouse and serving databases: a payment counts once it is there, and only then. */
@ExtendWith(EmbeddedStack.class)
class PaymentProbeIT {
  @Test
  void aPaymentIsMeasuredWhenItsRowAndItsCustomersDocumentAppear(EmbeddedStack.Servers servers) throws Exception {
    PipelineConfig config = new PipelineConfigLoader(
        Map.of("LAKESYNC_PG_PORT", Integer.toString(servers.postgres().port()))::get)
        .load(Path.of("../deploy/local/pipeline.yaml"));
    String fact = Identifiers.quoteAnsi(config.warehouse().orElseThrow().schema()) + ".fact_payment";
    try (Connection warehouse = servers.postgres().connect("warehouse");
         Statement statement = warehouse.createStatement();
         LocalDocumentStore store = LocalDocumentStore.open(config.serving().orElseThrow().local().orElseThrow(),
             List.of(new DocumentType("customer", List.of("latestPayments"), "id", List.of())));
         PaymentProbe probe = PaymentProbe.start(config)) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quoteAnsi(config.warehouse().get().schema()));
      statement.execute("CREATE TABLE IF NOT EXISTS " + fact + " (payment_id bigint PRIMARY KEY)");
      assertThat(probe.targets()).containsExactly("warehouse", "serving");

      long committed = System.currentTimeMillis();
      probe.committed(List.of(new WorkloadGenerator.NewPayment(900_001, 77), new WorkloadGenerator.NewPayment(900_002, 78)),
          committed);
      // Nothing is there yet: nothing may be measured while the probe keeps polling.
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
          .until(() -> probe.samples("warehouse").between(0, Long.MAX_VALUE).count == 0);
      assertThat(probe.outstanding("warehouse")).isEqualTo(2);

      statement.execute("INSERT INTO " + fact + " VALUES (900001)");
      // Customer 77's document lists another payment first, then this one too.
      store.write(List.of(Document.upsert("customer", "77", "77", "0000000001/0000000001",
          "{\"id\":\"77\",\"latestPayments\":[{\"id\":5}]}", "{}")));
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.samples("warehouse").between(0, Long.MAX_VALUE).count == 1);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
          .until(() -> probe.samples("serving").between(0, Long.MAX_VALUE).count == 0);
      store.write(List.of(Document.upsert("customer", "77", "77", "0000000002/0000000002",
          "{\"id\":\"77\",\"latestPayments\":[{\"id\":900001},{\"id\":5}]}", "{}")));
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.samples("serving").between(0, Long.MAX_VALUE).count == 1);

      LatencySamples.Summary warehouseLatency = probe.samples("warehouse").between(committed, committed + 1);
      assertThat(warehouseLatency.count).isEqualTo(1);
      assertThat(warehouseLatency.p50Ms).isBetween(500L, 10_000L);
      assertThat(probe.samples("serving").last()).isGreaterThan(warehouseLatency.p50Ms);
      assertThat(probe.outstanding("warehouse")).isEqualTo(1); // 900002 never arrived
      assertThat(probe.outstanding("serving")).isEqualTo(1);
      assertThat(probe.unseen("warehouse")).isZero();
    }
  }
}
