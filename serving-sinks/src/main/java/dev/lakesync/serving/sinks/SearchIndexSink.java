package dev.lakesync.serving.sinks;

import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
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
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.ServingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure AI Search: keeps the index definition (searchable name, email, merchants; filterable segment and balances;
 * facetable currencies), then sends {@code mergeOrUpload} and {@code delete} actions in batches within the
 * service's limits. The SDK retries whole requests (503, 429) with back-off; the failed items of a partial (207)
 * response are retried here. AI Search has no conditional document write, so the stored {@code sourcePos} is read
 * first and an older document is not sent (two syncs racing between that read and the write are not covered).
 */
public final class SearchIndexSink implements DocumentSink, DocumentSearch {
  static final int MAX_BATCH_DOCUMENTS = 1000;
  static final long MAX_BATCH_BYTES = 16L * 1024 * 1024 - 256 * 1024; // 16 MB, minus room for the envelope
  static final int ITEM_ATTEMPTS = 5;
  private static final Set<Integer> RETRYABLE_ITEM = Set.of(409, 422, 429, 500, 503);
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SearchClient client;
  private final Duration itemBackoff;

  SearchIndexSink(SearchClient client, Duration itemBackoff) {
    this.client = client;
    this.itemBackoff = itemBackoff;
  }

  /** Connects with the API key when configured, Azure identity otherwise, and creates or updates the index. */
  public static SearchIndexSink open(ServingConfig.Search config) {
    return open(config, Duration.ofMillis(800), Duration.ofMillis(500));
  }

  static SearchIndexSink open(ServingConfig.Search config, Duration requestBackoff, Duration itemBackoff) {
    RetryOptions retries = new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(6)
        .setBaseDelay(requestBackoff).setMaxDelay(Duration.ofSeconds(60)));
    String endpoint = config.endpoint().toString();
    SearchIndexClientBuilder indexBuilder = new SearchIndexClientBuilder().endpoint(endpoint).retryOptions(retries);
    SearchClientBuilder builder = new SearchClientBuilder().endpoint(endpoint).indexName(config.index())
        .retryOptions(retries);
    if (config.apiKey() != null) {
      AzureKeyCredential key = new AzureKeyCredential(config.apiKey().reveal());
      indexBuilder.credential(key);
      builder.credential(key);
    } else {
      var identity = new DefaultAzureCredentialBuilder().build();
      indexBuilder.credential(identity);
      builder.credential(identity);
    }
    SearchIndexClient indexes = indexBuilder.buildClient();
    indexes.createOrUpdateIndex(index(config.index()));
    return new SearchIndexSink(builder.buildClient(), itemBackoff);
  }

  /** The index definition: one flat search document per customer, projected from the serving document. */
  static SearchIndex index(String name) {
    List<SearchField> fields = List.of(
        new SearchField("id", SearchFieldDataType.STRING).setKey(true).setFilterable(true),
        new SearchField("customerId", SearchFieldDataType.STRING).setFilterable(true),
        new SearchField("name", SearchFieldDataType.STRING).setSearchable(true).setSortable(true),
        new SearchField("email", SearchFieldDataType.STRING).setSearchable(true),
        new SearchField("segment", SearchFieldDataType.STRING).setFilterable(true).setFacetable(true),
        new SearchField("merchants", SearchFieldDataType.collection(SearchFieldDataType.STRING)).setSearchable(true)
            .setFilterable(true),
        new SearchField("currencies", SearchFieldDataType.collection(SearchFieldDataType.STRING)).setFilterable(true)
            .setFacetable(true),
        new SearchField("balances", SearchFieldDataType.collection(SearchFieldDataType.DOUBLE)).setFilterable(true),
        new SearchField("lastPaymentAt", SearchFieldDataType.DATE_TIME_OFFSET).setFilterable(true).setSortable(true),
        new SearchField("sourcePos", SearchFieldDataType.STRING).setFilterable(true));
    return new SearchIndex(name, fields);
  }

  @Override
  public String name() {
    return "search";
  }

  @Override
  public SinkResult write(List<CustomerDocument> documents) throws Exception {
    SinkResult result = SinkResult.empty();
    List<CustomerDocument> unique = LocalDocumentStore.newestPerId(documents);
    for (int from = 0; from < unique.size(); from += MAX_BATCH_DOCUMENTS) {
      List<CustomerDocument> chunk = unique.subList(from, Math.min(unique.size(), from + MAX_BATCH_DOCUMENTS));
      Map<String, String> stored = storedPositions(chunk);
      List<IndexAction<SearchDocument>> actions = new ArrayList<>();
      long skipped = 0;
      for (CustomerDocument document : chunk) {
        String current = stored.get(document.id());
        if (current != null && current.compareTo(document.sourcePos()) > 0) {
          skipped++;
        } else if (document.isDelete()) {
          SearchDocument key = new SearchDocument();
          key.put("id", document.id());
          actions.add(new IndexAction<SearchDocument>().setActionType(IndexActionType.DELETE).setDocument(key));
        } else {
          actions.add(new IndexAction<SearchDocument>().setActionType(IndexActionType.MERGE_OR_UPLOAD)
              .setDocument(project(document.json())));
        }
      }
      result = result.plus(new SinkResult(0, 0, skipped, 0, 0));
      for (List<IndexAction<SearchDocument>> batch : batches(actions)) {
        result = result.plus(send(batch));
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
  private SinkResult send(List<IndexAction<SearchDocument>> batch) throws InterruptedException {
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
  private Map<String, String> storedPositions(List<CustomerDocument> chunk) {
    StringBuilder ids = new StringBuilder();
    for (CustomerDocument document : chunk) {
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

  /** The search document: the serving document's searchable and filterable fields, flat. */
  static SearchDocument project(String json) throws Exception {
    SearchFields fields = SearchFields.of(json);
    SearchDocument search = new SearchDocument();
    search.put("id", fields.id);
    search.put("customerId", fields.customerId);
    search.put("name", fields.name);
    search.put("email", fields.email);
    search.put("segment", fields.segment);
    search.put("merchants", new ArrayList<>(fields.merchants));
    search.put("currencies", new ArrayList<>(fields.currencies));
    List<Double> balances = new ArrayList<>();
    fields.balances.forEach(balance -> balances.add(balance.doubleValue()));
    search.put("balances", balances);
    search.put("lastPaymentAt", fields.lastPaymentAt);
    search.put("sourcePos", fields.sourcePos);
    return search;
  }

  @Override
  public List<String> search(SearchQuery query) throws Exception {
    List<String> filters = new ArrayList<>();
    if (query.segment() != null) {
      filters.add("segment eq '" + odataString(query.segment()) + "'");
    }
    if (query.currency() != null) {
      filters.add("currencies/any(c: c eq '" + odataString(query.currency()) + "')");
    }
    if (query.minBalance() != null) {
      filters.add(String.format(Locale.ROOT, "balances/any(b: b ge %s)", query.minBalance()));
    }
    SearchOptions options = new SearchOptions().setTop(query.top()).setSearchMode(SearchMode.ALL);
    if (!filters.isEmpty()) {
      options.setFilter(String.join(" and ", filters));
    }
    List<String> found = new ArrayList<>();
    for (SearchResult result : client.search(searchText(query.text()), options, Context.NONE)) {
      SearchDocument document = result.getDocument(SearchDocument.class);
      document.remove("@search.score");
      found.add(JSON.writeValueAsString(document));
    }
    return found;
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
  public void close() {
    // the SDK's HTTP client shares one connection pool per JVM; nothing to release per sink
  }
}
