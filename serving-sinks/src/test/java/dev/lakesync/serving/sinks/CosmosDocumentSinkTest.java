package dev.lakesync.serving.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.common.config.ServingConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Cosmos DB SDK (gateway mode) against an in-process HTTPS stand-in that checks its requests. */
class CosmosDocumentSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private FakeCosmosGateway gateway;
  private CosmosDocumentSink sink;
  private ServingConfig.Cosmos cosmos;

  @BeforeEach
  void start() throws Exception {
    gateway = new FakeCosmosGateway();
    ServingConfig config = new PipelineConfigLoader(name -> name.equals("COSMOS_KEY") ? FakeCosmosGateway.KEY : null)
        .parse(String.join("\n",
            "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
            "broker: {bootstrapServers: '127.0.0.1:9'}",
            "lake: {root: /tmp/lake}",
            "tables: [{name: bank.customers, key: [id]}]",
            "serving:",
            "  sinks: [cosmos]",
            "  cosmos: {endpoint: '" + gateway.endpoint() + "', database: bank, containers: {customer: customers},",
            "           key: '${COSMOS_KEY}', connectionMode: gateway}", ""),
            "test.yaml").serving().orElseThrow();
    cosmos = config.cosmos().orElseThrow();
    sink = CosmosDocumentSink.open(cosmos, List.of(TestDocuments.CUSTOMER));
  }

  @AfterEach
  void stop() {
    if (sink != null) {
      sink.close();
    }
    gateway.close();
    assertThat(gateway.problems).isEmpty();
  }

  @Test
  void createsThenPatchesUnderThePositionPredicateAndCountsRequestUnits() throws Exception {
    SinkResult first = sink.write(List.of(document(1, "Ada", "00000000000000000010"), document(2, "Bo", "00000000000000000010")));
    assertThat(first.upserted()).isEqualTo(2);
    assertThat(first.requestUnits()).isGreaterThan(0);
    assertThat(gateway.documents.get("1").path("profile").path("name").asText()).isEqualTo("Ada");

    SinkResult second = sink.write(List.of(document(1, "Ada King", "00000000000000000020"),
        document(2, "Bo Old", "00000000000000000005")));
    assertThat(second.upserted()).isEqualTo(1);
    assertThat(second.skippedOlder()).isEqualTo(1);
    assertThat(gateway.documents.get("1").path("profile").path("name").asText()).isEqualTo("Ada King");
    assertThat(gateway.documents.get("2").path("profile").path("name").asText()).isEqualTo("Bo");
    assertThat(sink.get("customer", "1", "1").map(this::name)).contains("Ada King");
    assertThat(sink.get("customer", "3", "3")).isEmpty();
  }

  @Test
  void deletesOnlyWhenTheStoredDocumentIsNotNewer() throws Exception {
    sink.write(List.of(document(1, "Ada", "00000000000000000030")));
    SinkResult stale = sink.write(List.of(TestDocuments.delete(1, "00000000000000000020")));
    assertThat(stale.skippedOlder()).isEqualTo(1);
    assertThat(gateway.documents).containsKey("1");

    SinkResult deleted = sink.write(List.of(TestDocuments.delete(1, "00000000000000000040"),
        TestDocuments.delete(9, "00000000000000000040")));
    assertThat(deleted.deleted()).isEqualTo(1);
    assertThat(gateway.documents).doesNotContainKey("1");
  }

  @Test
  void throttledBatchesAndItemsAreRetriedAfterTheServiceSaysSo() throws Exception {
    gateway.throttleNextBatch(300);
    gateway.throttleItemsOfNextBatch(3);
    List<Document> documents = new ArrayList<>();
    for (int id = 1; id <= 50; id++) {
      documents.add(document(id, "Customer " + id, "00000000000000000010"));
    }
    assertThat(sink.throttled()).isZero();
    SinkResult result = sink.write(documents);
    assertThat(result.upserted()).isEqualTo(50);
    assertThat(gateway.documents).hasSize(50);
    assertThat(sink.throttled()).as("the whole batch answered 429, which the SDK retried").isEqualTo(1);
    // The batch after the whole-batch 429 came no sooner than its x-ms-retry-after-ms.
    assertThat((gateway.batchTimesNanos.get(1) - gateway.batchTimesNanos.get(0)) / 1_000_000).isGreaterThanOrEqualTo(290);
  }

  private String name(String json) {
    try {
      return JSON.readTree(json).path("profile").path("name").asText();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Document document(int id, String name, String position) {
    return TestDocuments.customer(id, name, "Shop", position);
  }

  @Test
  void refusesATypeWhoseContainerIsPartitionedByAnotherField() {
    DocumentType byId = new DocumentType("customer", List.of("profile"), "id", List.of());
    assertThatThrownBy(() -> CosmosDocumentSink.open(cosmos, List.of(byId)).close())
        .hasMessageContaining("partitioned by [/customerId]").hasMessageContaining("partitionKey: id");
  }

  @Test
  void refusesATypeWithMoreTopLevelFieldsThanOnePatchSets() {
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fields.add("f" + i);
    }
    DocumentType wide = new DocumentType("wide", fields, "id", List.of());
    assertThatThrownBy(() -> CosmosDocumentSink.open(cosmos, List.of(wide)).close())
        .hasMessageContaining("serving.documents.wide").hasMessageContaining("10 top-level fields");
  }

}
