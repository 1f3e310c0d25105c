package dev.lakesync.serving.sinks;

import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.search.documents.SearchClient;
import com.azure.search.documents.SearchClientBuilder;
import com.azure.search.documents.SearchDocument;
import com.azure.search.documents.indexes.SearchIndexClient;
import com.azure.search.documents.indexes.SearchIndexClientBuilder;
import com.azure.search.documents.indexes.models.IndexDocumentsBatch;
import com.azure.search.documents.indexes.models.SearchField;
import com.azure.search.documents.indexes.models.SearchFieldDataType;
import com.azure.search.documents.indexes.models.SearchIndex;
import com.azure.search.documents.models.IndexAction;
import com.azure.search.documents.models.IndexActionType;
import com.azure.search.documents.models.IndexDocumentsOptions;
import com.azure.search.documents.models.IndexDocumentsResult;
import com.azure.search.documents.models.IndexingResult;
import com.azure.search.documents.models.SearchMode;
import com.azure.search.documents.models.SearchOptions;
import com.azure.search.documents.models.SearchResult;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.eventhubs.AzureCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Azure AI Search, one index per document type: keeps each index's definition (the type's declared search fields,
 * typed from the lake's schema), then sends {@code mergeOrUpload} and {@code delete} actions in batches within the
 * service's limits. The SDK retries whole requests (503, 429) with back-off; the failed items of a partial (207)
 * response are retried here. AI Search has no conditional document write, so the stored {@code sourcePos} is read
 * first and an older document is not sent (two syncs racing between that read and the write are not covered).
 */
public final class SearchIndexSink implements DocumentSink, DocumentSearch {
  static final int MAX_BATCH_DOCUMENTS = 1000;
  static final long MAX_BATCH_BYTES = 16L * 1024 * 1024 - 256 * 1024; // 16 MB, minus room for the envelope
  static final int ITEM_ATTEMPTS = 5;
  private static final Set<Integer> RETRYABLE_ITEM = Set.of(409, 422, 429, 500, 503);
  /** What AI Search answers when it sheds load: 429, or 503 when the service is busy. */
  private static final Set<Integer> THROTTLED = Set.of(429, 503);
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() { };

  private final ServingConfig.Search config;
  private final SearchClientBuilder clients;
  private final SearchIndexClient indexes;
  private final Duration itemBackoff;
  private final Map<String, SearchClient> clientByType = new HashMap<>();
  private final AtomicLong throttled;

  private SearchIndexSink(ServingConfig.Search config, SearchClientBuilder clients, SearchIndexClient indexes,
      Duration itemBackoff, AtomicLong throttled) {
    this.config = config;
    this.clients = clients;
    this.indexes = indexes;
    this.itemBackoff = itemBackoff;
    this.throttled = throttled;
  }

  /** For searches of any type whose index exists. */
  public static SearchIndexSink open(ServingConfig.Search config) {
    return open(config, List.of());
  }

  /** Connects with the API key when configured, Azure identity otherwise, and creates or updates each type's index. */
  public static SearchIndexSink open(ServingConfig.Search config, List<DocumentType> types) {
    return open(config, types, Duration.ofMillis(800), Duration.ofMillis(500));
  }

  static SearchIndexSink open(ServingConfig.Search config, List<DocumentType> types, Duration requestBackoff,
      Duration itemBackoff) {
    RetryOptions retries = new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(6)
        .setBaseDelay(requestBackoff).setMaxDelay(Duration.ofSeconds(60)));
    String endpoint = config.endpoint().toString();
    // Counted on each try, where the SDK's retry policy would otherwise hide the throttled ones.
    AtomicLong throttled = new AtomicLong();
    HttpPipelinePolicy countThrottled = new HttpPipelinePolicy() {
      @Override
      public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().doOnNext(response -> {
          if (THROTTLED.contains(response.getStatusCode())) {
            throttled.incrementAndGet();
          }
        });
      }

      @Override
      public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
      }
    };
    SearchIndexClientBuilder indexBuilder = new SearchIndexClientBuilder().endpoint(endpoint).retryOptions(retries)
        .addPolicy(countThrottled);
    SearchClientBuilder builder = new SearchClientBuilder().endpoint(endpoint).retryOptions(retries)
        .addPolicy(countThrottled);
    if (config.apiKey() != null) {
      AzureKeyCredential key = new AzureKeyCredential(config.apiKey().reveal());
      indexBuilder.credential(key);
      builder.credential(key);
    } else {
      var identity = AzureCredentials.of(config.azure());
      indexBuilder.credential(identity);
      builder.credential(identity);
    }
    SearchIndexClient indexes = indexBuilder.buildClient();
    for (DocumentType type : types) {
      indexes.createOrUpdateIndex(index(config.index(type.name()), type));
    }
    return new SearchIndexSink(config, builder, indexes, itemBackoff, throttled);
  }

  /** The index definition: id (the key), the declared search fields, and sourcePos. */
  static SearchIndex index(String name, DocumentType type) {
    List<SearchField> fields = new ArrayList<>();
    fields.add(new SearchField("id", SearchFieldDataType.STRING).setKey(true).setFilterable(true));
    for (IndexField field : type.searchFields()) {
      SearchFieldDataType dataType = dataType(field.kind());
      fields.add(new SearchField(field.name(), field.collection() ? SearchFieldDataType.collection(dataType) : dataType)
          .setSearchable(field.searchable()).setFilterable(field.filterable()).setFacetable(field.facetable())
          .setSortable(field.sortable()));
    }
    fields.add(new SearchField("sourcePos", SearchFieldDataType.STRING).setFilterable(true));
    return new SearchIndex(name, fields);
  }

  private static SearchFieldDataType dataType(IndexField.Kind kind) {
    switch (kind) {
      case STRING:
        return SearchFieldDataType.STRING;
      case INT32:
        return SearchFieldDataType.INT32;
      case INT64:
        return SearchFieldDataType.INT64;
      case DOUBLE:
        return SearchFieldDataType.DOUBLE;
      case BOOLEAN:
        return SearchFieldDataType.BOOLEAN;
      case DATE_TIME:
        return SearchFieldDataType.DATE_TIME_OFFSET;
      default:
        throw new IllegalArgumentException("no search type for " + kind);
    }
  }

  private synchronized SearchClient client(String type) {
    return clientByType.computeIfAbsent(type, name -> clients.indexName(config.index(name)).buildClient());
  }

  @Override
  public String name() {
    return "search";
  }

  @Override
  public SinkResult write(List<Document> documents) throws Exception {
    SinkResult result = SinkResult.empty();
    Map<String, List<Document>> byType = new LinkedHashMap<>();
    for (Document document : LocalDocumentStore.newestPerId(documents)) {
      byType.computeIfAbsent(document.type(), type -> new ArrayList<>()).add(document);
    }
    for (Map.Entry<String, List<Document>> entry : byType.entrySet()) {
      SearchClient client = client(entry.getKey());
      List<Document> unique = entry.getValue();
      for (int from = 0; from < unique.size(); from += MAX_BATCH_DOCUMENTS) {
        List<Document> chunk = unique.subList(from, Math.min(unique.size(), from + MAX_BATCH_DOCUMENTS));
        Map<String, String> stored = storedPositions(client, chunk);
        List<IndexAction<SearchDocument>> actions = new ArrayList<>();
        long skipped = 0;
        for (Document document : chunk) {
          String current = stored.get(document.id());
          if (current != null && current.compareTo(document.sourcePos()) > 0) {
            skipped++;
          } else if (document.isDelete()) {
            SearchDocument key = new SearchDocument();
            key.put("id", document.id());
            actions.add(new IndexAction<SearchDocument>().setActionType(IndexActionType.DELETE).setDocument(key));
          } else {
            actions.add(new IndexAction<SearchDocument>().setActionType(IndexActionType.MERGE_OR_UPLOAD)
                .setDocument(project(document)));
          }
        }
        result = result.plus(new SinkResult(0, 0, skipped, 0, 0));
        for (List<IndexAction<SearchDocument>> batch : batches(actions)) {
          result = result.plus(send(client, batch));
        }
      }
    }
    return result;
  }

  /** Splits actions so that no request holds more than 1,000 documents or about 16 MB. */
  static List<List<IndexAction<SearchDocument>>> batches(List<IndexAction<SearchDocument>> actions) throws Exception {
    List<List<IndexAction<SearchDocument>>> batches = new ArrayList<>();
    List<IndexAction<SearchDocument>> current = new ArrayList<>();
    long bytes = 0;
    for (IndexAction<SearchDocument> action : actions) {
      long size = JSON.writeValueAsBytes(action.getDocument()).length + 40L;
      if (size > MAX_BATCH_BYTES) {
        throw new IllegalArgumentException("search document " + action.getDocument().get("id") + " is " + size
            + " bytes, more than one indexing request may hold");
      }
      if (!current.isEmpty() && (current.size() == MAX_BATCH_DOCUMENTS || bytes + size > MAX_BATCH_BYTES)) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(action);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Sends one batch; retries the items a partial response failed with a retryable status, with back-off. */
  private SinkResult send(SearchClient client, List<IndexAction<SearchDocument>> batch) throws InterruptedException {
    Map<String, IndexAction<SearchDocument>> pending = new LinkedHashMap<>();
    for (IndexAction<SearchDocument> action : batch) {
      pending.put((String) action.getDocument().get("id"), action);
    }
    long upserted = 0;
    long deleted = 0;
    long retries = 0;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      Response<IndexDocumentsResult> response = client.indexDocumentsWithResponse(
          new IndexDocumentsBatch<SearchDocument>().addActions(new ArrayList<>(pending.values())),
          new IndexDocumentsOptions().setThrowOnAnyError(false), Context.NONE);
      List<String> failures = new ArrayList<>();
      for (IndexingResult item : response.getValue().getResults()) {
        IndexAction<SearchDocument> action = pending.get(item.getKey());
        if (action == null) {
          continue;
        }
        if (item.isSucceeded()) {
          pending.remove(item.getKey());
          if (action.getActionType() == IndexActionType.DELETE) {
            deleted++;
          } else {
            upserted++;
          }
        } else if (!RETRYABLE_ITEM.contains(item.getStatusCode())) {
          throw new IllegalStateException("AI Search refused document " + item.getKey() + " (" + item.getStatusCode()
              + "): " + item.getErrorMessage());
        } else {
          failures.add(item.getKey() + " (" + item.getStatusCode() + ")");
          if (THROTTLED.contains(item.getStatusCode())) {
            throttled.incrementAndGet();
          }
        }
      }
      if (pending.isEmpty()) {
        break;
      }
      if (attempt >= ITEM_ATTEMPTS) {
        throw new IllegalStateException("AI Search did not accept " + pending.size() + " documents after "
            + ITEM_ATTEMPTS + " attempts: " + failures);
      }
      retries++;
      Thread.sleep(itemBackoff.toMillis() << (attempt - 1));
    }
    return new SinkResult(upserted, deleted, 0, retries, 0);
  }

  /** The sourcePos of those documents the index holds. */
  private static Map<String, String> storedPositions(SearchClient client, List<Document> chunk) {
    StringBuilder ids = new StringBuilder();
    for (Document document : chunk) {
      ids.append(ids.length() == 0 ? "" : "|").append(document.id());
    }
    SearchOptions options = new SearchOptions().setFilter("search.in(id, '" + odataString(ids.toString()) + "', '|')")
        .setSelect("id", "sourcePos").setTop(chunk.size());
    Map<String, String> stored = new HashMap<>();
    for (SearchResult found : client.search("*", options, Context.NONE)) {
      SearchDocument document = found.getDocument(SearchDocument.class);
      stored.put(String.valueOf(document.get("id")), String.valueOf(document.get("sourcePos")));
    }
    return stored;
  }

  /** The search document: id, the declared search fields (computed by serving-sync), sourcePos. */
  static SearchDocument project(Document document) throws Exception {
    SearchDocument search = new SearchDocument();
    search.put("id", document.id());
    search.putAll(JSON.readValue(document.searchJson(), FIELDS));
    search.put("sourcePos", document.sourcePos());
    return search;
  }

  /** Filters on the index's own field types (read from the service), so that a value compares as its field. */
  @Override
  public List<String> search(SearchQuery query) throws Exception {
    String indexName = config.index(query.type());
    Map<String, SearchField> fields = new HashMap<>();
    for (SearchField field : indexes.getIndex(indexName).getFields()) {
      fields.put(field.getName(), field);
    }
    List<String> filters = new ArrayList<>();
    for (Map.Entry<String, String> filter : query.filters().entrySet()) {
      SearchField field = fields.get(filter.getKey());
      if (field == null || !Boolean.TRUE.equals(field.isFilterable())) {
        throw new IllegalArgumentException("search index " + indexName + " has no filterable field '"
            + filter.getKey() + "'");
      }
      filters.add(odataFilter(field, filter.getValue()));
    }
    SearchOptions options = new SearchOptions().setTop(query.top()).setSearchMode(SearchMode.ALL);
    if (!filters.isEmpty()) {
      options.setFilter(String.join(" and ", filters));
    }
    List<String> found = new ArrayList<>();
    for (SearchResult result : client(query.type()).search(searchText(query.text()), options, Context.NONE)) {
      SearchDocument document = result.getDocument(SearchDocument.class);
      document.remove("@search.score");
      found.add(JSON.writeValueAsString(document));
    }
    return found;
  }

  /** {@code field eq value} (a list field: any element), the value written as the field's type asks. */
  static String odataFilter(SearchField field, String value) {
    String type = field.getType().toString();
    boolean collection = type.startsWith("Collection(");
    String element = collection ? type.substring("Collection(".length(), type.length() - 1) : type;
    String literal;
    switch (element) {
      case "Edm.String":
        literal = "'" + odataString(value) + "'";
        break;
      case "Edm.Boolean":
        if (!value.equals("true") && !value.equals("false")) {
          throw new IllegalArgumentException("filter " + field.getName() + ": expected true or false, got '" + value + "'");
        }
        literal = value;
        break;
      case "Edm.DateTimeOffset":
        literal = java.time.OffsetDateTime.parse(value).toString();
        break;
      default:
        literal = new java.math.BigDecimal(value.trim()).toPlainString(); // refuses anything but a number
    }
    return collection ? field.getName() + "/any(v: v eq " + literal + ")" : field.getName() + " eq " + literal;
  }

  /** Every word as a prefix ("ann smi" becomes "ann* smi*"), so that typing finds like the local store does. */
  static String searchText(String text) {
    StringBuilder terms = new StringBuilder();
    Matcher matcher = WORD.matcher(text);
    while (matcher.find()) {
      terms.append(terms.length() == 0 ? "" : " ").append(matcher.group()).append('*');
    }
    return terms.length() == 0 ? "*" : terms.toString();
  }

  /** A value inside an OData string literal: quotes doubled. */
  static String odataString(String value) {
    return value.replace("'", "''");
  }

  @Override
  public long throttled() {
    return throttled.get();
  }

  @Override
  public void close() {
    // the SDK's HTTP client shares one connection pool per JVM; nothing to release per sink
  }
}
