package dev.lakesync.serving.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.common.config.ServingConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The sinks against a real Cosmos DB account and AI Search service, when configured:
 * LAKESYNC_COSMOS_ENDPOINT with LAKESYNC_COSMOS_DATABASE / LAKESYNC_COSMOS_CONTAINER (an existing container with
 * partition key /customerId; defaults lakesync_it / customers) and LAKESYNC_COSMOS_KEY (without it: Azure identity);
 * LAKESYNC_SEARCH_ENDPOINT with LAKESYNC_SEARCH_API_KEY (without it: Azure identity); the index lakesync-it is
 * created or updated. Writes customer id 900000001 and deletes it again.
 */
class AzureSinksLiveIT {
  private static final String ID = "900000001";

  @Test
  void cosmosWritesReadsAndDeletesARealDocument() throws Exception {
    ServingConfig.Cosmos cosmos = config("LAKESYNC_COSMOS_ENDPOINT", String.join("\n",
        "  sinks: [cosmos]",
        "  cosmos: {endpoint: '${LAKESYNC_COSMOS_ENDPOINT}', database: '${LAKESYNC_COSMOS_DATABASE:-lakesync_it}',",
        "           containers: {customer: '${LAKESYNC_COSMOS_CONTAINER:-customers}'}"
            + (System.getenv("LAKESYNC_COSMOS_KEY") == null ? "}" : ", key: '${LAKESYNC_COSMOS_KEY}'}"))).cosmos().orElseThrow();
    try (CosmosDocumentSink sink = CosmosDocumentSink.open(cosmos, List.of(TestDocuments.CUSTOMER))) {
      String position = String.format("%020d/%020d", System.currentTimeMillis(), 0);
      SinkResult written = sink.write(List.of(LocalDocumentStoreIT.document(Integer.parseInt(ID), "Live Test", "Live Shop",
          "retail", position)));
      assertThat(written.upserted()).isEqualTo(1);
      assertThat(written.requestUnits()).isPositive();
      assertThat(sink.get("customer", ID, ID).orElseThrow()).contains("Live Test");
      assertThat(sink.ids("customer")).contains(ID);
      assertThat(sink.write(List.of(TestDocuments.delete(Integer.parseInt(ID), position))).deleted()).isEqualTo(1);
      assertThat(sink.get("customer", ID, ID)).isEmpty();
    }
  }

  @Test
  void searchIndexesFindsAndDeletesARealDocument() throws Exception {
    ServingConfig.Search search = config("LAKESYNC_SEARCH_ENDPOINT", String.join("\n",
        "  sinks: [search]",
        "  search: {endpoint: '${LAKESYNC_SEARCH_ENDPOINT}', indexes: {customer: lakesync-it}"
            + (System.getenv("LAKESYNC_SEARCH_API_KEY") == null ? "}" : ", apiKey: '${LAKESYNC_SEARCH_API_KEY}'}"))).search().orElseThrow();
    try (SearchIndexSink sink = SearchIndexSink.open(search, List.of(TestDocuments.CUSTOMER))) {
      String position = String.format("%020d/%020d", System.currentTimeMillis(), 0);
      assertThat(sink.write(List.of(LocalDocumentStoreIT.document(Integer.parseInt(ID), "Livetest Person", "Livetest Shop",
          "retail", position))).upserted()).isEqualTo(1);
      // Indexing is near real time, not immediate.
      List<String> found = await("the written document searchable").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofSeconds(1)).until(() -> sink.search(SearchQuery.text("customer", "livetest")), hits -> !hits.isEmpty());
      assertThat(found).anyMatch(document -> document.contains(ID));
      assertThat(sink.write(List.of(TestDocuments.delete(Integer.parseInt(ID), position))).deleted()).isEqualTo(1);
    }
  }

  private static ServingConfig config(String endpointVariable, String servingSection) {
    String endpoint = System.getenv(endpointVariable);
    if (endpoint == null || endpoint.isBlank()) {
      System.out.println("AzureSinksLiveIT skipped: " + endpointVariable + " is not set (no live service to test against)");
    }
    Assumptions.assumeTrue(endpoint != null && !endpoint.isBlank(), endpointVariable + " is not set: live test skipped");
    return new PipelineConfigLoader().parse(String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: /tmp/lakesync-live-it}",
        "tables: [{name: bank.customers, key: [id]}]",
        "serving:", servingSection, ""), "AzureSinksLiveIT").serving().orElseThrow();
  }
}
