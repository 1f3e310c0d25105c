package dev.lakesync.serving.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.common.config.ServingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real AI Search SDK against an in-process HTTP stand-in that checks its requests and injects faults. */
class SearchIndexSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private FakeSearchService service;
  private SearchIndexSink sink;

  @BeforeEach
  void start() throws Exception {
    service = new FakeSearchService();
    ServingConfig config = new PipelineConfigLoader(name -> name.equals("SEARCH_API_KEY") ? FakeSearchService.API_KEY : null)
        .parse(String.join("\n",
            "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
            "broker: {bootstrapServers: '127.0.0.1:9'}",
            "lake: {root: /tmp/lake}",
            "tables: [{name: bank.customers, key: [id]}]",
            "serving:",
            "  sinks: [search]",
            "  search: {endpoint: '" + service.endpoint() + "', indexes: {customer: customers}, apiKey: '${SEARCH_API_KEY}'}", ""),
            "test.yaml").serving().orElseThrow();
    sink = SearchIndexSink.open(config.search().orElseThrow(), List.of(TestDocuments.CUSTOMER), Duration.ofMillis(10),
        Duration.ofMillis(10));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void createsTheIndexWithTheFieldsTheQueriesNeed() {
    var fields = service.indexDefinition.get("fields");
    assertThat(service.indexDefinition.get("name").asText()).isEqualTo("customers");
    assertThat(field(fields, "id").get("key").asBoolean()).isTrue();
    for (String searchable : List.of("name", "email", "merchants")) {
      assertThat(field(fields, searchable).get("searchable").asBoolean()).as(searchable).isTrue();
    }
    assertThat(field(fields, "segment").get("filterable").asBoolean()).isTrue();
    assertThat(field(fields, "balances").get("type").asText()).isEqualTo("Collection(Edm.Double)");
    assertThat(field(fields, "balances").get("filterable").asBoolean()).isTrue();
    assertThat(field(fields, "currencies").get("facetable").asBoolean()).isTrue();
  }

  @Test
  void writesInBatchesOfAtMostAThousandAndRetriesThrottledRequestsAndFailedItems() throws Exception {
    List<Document> documents = new ArrayList<>();
    for (int id = 1; id <= 2500; id++) {
      documents.add(document(id, "Customer " + id, "Shop " + (id % 7), "00000000000000000010"));
    }
    service.failNextIndexRequest(); // the SDK retries the whole request
    service.failKeysOnce("5", "17"); // a 207: the sink resends those two
    long throttledBefore = sink.throttled();

    SinkResult result = sink.write(documents);

    assertThat(result.upserted()).isEqualTo(2500);
    assertThat(result.retries()).isEqualTo(1);
    assertThat(sink.throttled() - throttledBefore).as("the request the SDK retried and the two items").isEqualTo(3);
    assertThat(service.documents).hasSize(2500);
    assertThat(service.documents.get("17").get("name").asText()).isEqualTo("Customer 17");
    assertThat(service.indexBatchSizes).allMatch(size -> size <= 1000);
    // 503 on the first 1,000, then 1,000 with two failing, the two again, 1,000 and 500.
    assertThat(service.indexBatchSizes).containsExactly(1000, 1000, 2, 1000, 500);
  }

  @Test
  void neverReplacesADocumentReflectingANewerPositionAndDeletes() throws Exception {
    sink.write(List.of(document(1, "Ada", "Zanzibar Roasters", "00000000000000000020")));
    SinkResult older = sink.write(List.of(document(1, "Ada Old", "Old Shop", "00000000000000000010")));
    assertThat(older.skippedOlder()).isEqualTo(1);
    assertThat(service.documents.get("1").get("name").asText()).isEqualTo("Ada");

    SinkResult deleted = sink.write(List.of(TestDocuments.delete(1, "00000000000000000030")));
    assertThat(deleted.deleted()).isEqualTo(1);
    assertThat(service.documents).doesNotContainKey("1");
  }

  @Test
  void searchesByNameAndMerchantWithPrefixesAndFilters() throws Exception {
    sink.write(List.of(document(1, "Ada Lovelace", "Zanzibar Roasters", "1"), document(2, "Bo Diddley", "Beat Shop", "1")));
    assertThat(ids(sink.search(SearchQuery.text("customer", "zanz")))).containsExactly("1");
    assertThat(ids(sink.search(SearchQuery.text("customer", "Bo")))).containsExactly("2");
    assertThat(ids(sink.search(new SearchQuery("customer", "", Map.of("segment", "retail"), 10)))).containsExactly("2");
    assertThat(ids(sink.search(new SearchQuery("customer", "", Map.of("merchants", "Beat Shop"), 10))))
        .containsExactly("2");
    assertThat(service.requests).anyMatch(request -> request.startsWith("GET /indexes('customers')"));
    assertThat(service.requests).anyMatch(request -> request.endsWith("/docs/search.post.search"));
  }

  private static Document document(int id, String name, String merchant, String position) {
    return TestDocuments.customer(id, name, merchant, position);
  }

  @Test
  void writesFilterValuesAsTheirFieldsTypes() {
    assertThat(SearchIndexSink.odataFilter(new com.azure.search.documents.indexes.models.SearchField("segment",
        com.azure.search.documents.indexes.models.SearchFieldDataType.STRING), "o'brien")).isEqualTo("segment eq 'o''brien'");
    assertThat(SearchIndexSink.odataFilter(new com.azure.search.documents.indexes.models.SearchField("balances",
        com.azure.search.documents.indexes.models.SearchFieldDataType.collection(
            com.azure.search.documents.indexes.models.SearchFieldDataType.DOUBLE)), "12.50"))
        .isEqualTo("balances/any(v: v eq 12.50)");
    assertThatThrownBy(() -> SearchIndexSink.odataFilter(new com.azure.search.documents.indexes.models.SearchField(
        "n", com.azure.search.documents.indexes.models.SearchFieldDataType.INT64), "1 or true"))
        .isInstanceOf(NumberFormatException.class);
  }


  private static com.fasterxml.jackson.databind.JsonNode field(com.fasterxml.jackson.databind.JsonNode fields, String name) {
    for (var field : fields) {
      if (field.get("name").asText().equals(name)) {
        return field;
      }
    }
    throw new AssertionError("no field " + name + " in " + fields);
  }

  private static List<String> ids(List<String> documents) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String document : documents) {
      ids.add(JSON.readTree(document).get("id").asText());
    }
    return ids;
  }
}
