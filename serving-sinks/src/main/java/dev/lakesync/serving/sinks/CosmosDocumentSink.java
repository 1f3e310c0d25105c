package dev.lakesync.serving.sinks;

import com.azure.cosmos.CosmosClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.CosmosContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.ThrottlingRetryOptions;
import com.azure.cosmos.models.CosmosBulkExecutionOptions;
import com.azure.cosmos.models.CosmosBulkItemRequestOptions;
import com.azure.cosmos.models.CosmosBulkItemResponse;
import com.azure.cosmos.models.CosmosBulkOperationResponse;
import com.azure.cosmos.models.CosmosBulkOperations;
import com.azure.cosmos.models.CosmosBulkPatchItemRequestOptions;
import com.azure.cosmos.models.CosmosClientTelemetryConfig;
import com.azure.cosmos.models.CosmosContainerResponse;
import com.azure.cosmos.models.CosmosItemOperation;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.CosmosMetricCategory;
import com.azure.cosmos.models.CosmosMicrometerMetricsOptions;
import com.azure.cosmos.models.CosmosPatchOperations;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.SqlParameter;
import com.azure.cosmos.models.SqlQuerySpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.eventhubs.AzureCredentials;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Azure Cosmos DB for NoSQL through the bulk API, one container per document type. A document is never replaced by
 * one reflecting an older source position: an upsert is a patch of every top-level field under the filter predicate
 * {@code c.sourcePos <= new}, which the service evaluates atomically (412 when the stored document is newer); a
 * missing document is created (409 when another writer was first: patched again). A delete reads the document first
 * and deletes it under its ETag. Throttling (429) is retried by the SDK honouring {@code x-ms-retry-after-ms};
 * request units are summed.
 */
public final class CosmosDocumentSink implements DocumentSink, DocumentLookup {
  static final int ATTEMPTS = 4;
  /**
   * Cosmos DB applies at most this many operations in one patch: every field besides id and the partition key, and
   * sourcePos.
   */
  static final int MAX_PATCH_OPERATIONS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The SDK's request counters, gateway and direct mode. */
  private static final java.util.regex.Pattern REQUEST_METERS =
      java.util.regex.Pattern.compile("cosmos\\.client\\.req\\.(gw|rntbd)\\.requests");
  private final CosmosClient client;
  private final ServingConfig.Cosmos config;
  private final Map<String, CosmosContainer> containers = new HashMap<>();
  private final Map<String, List<String>> fieldsByType = new HashMap<>();
  private final MeterRegistry sdkMeters;

  CosmosDocumentSink(CosmosClient client, ServingConfig.Cosmos config, MeterRegistry sdkMeters) {
    this.client = client;
    this.config = config;
    this.sdkMeters = sdkMeters;
  }

  /** For reads of any type. */
  public static CosmosDocumentSink open(ServingConfig.Cosmos config) {
    return open(config, List.of());
  }

  /**
   * Connects with the account key when configured, Azure identity otherwise; checks that each type's container
   * exists with the type's partition key and that its documents fit one patch.
   */
  public static CosmosDocumentSink open(ServingConfig.Cosmos config, List<DocumentType> types) {
    // The SDK retries throttled requests itself; its own request meters, kept here, are where they show.
    MeterRegistry sdkMeters = new SimpleMeterRegistry();
    CosmosClientBuilder builder = new CosmosClientBuilder().endpoint(config.endpoint().toString())
        .contentResponseOnWriteEnabled(false)
        .throttlingRetryOptions(new ThrottlingRetryOptions().setMaxRetryAttemptsOnThrottledRequests(9)
            .setMaxRetryWaitTime(Duration.ofSeconds(60)))
        .clientTelemetryConfig(new CosmosClientTelemetryConfig().metricsOptions(new CosmosMicrometerMetricsOptions()
            .meterRegistry(sdkMeters).setMetricCategories(CosmosMetricCategory.REQUEST_SUMMARY)
            .enableHistogramsByDefault(false)));
    if (config.key() != null) {
      builder.key(config.key().reveal());
    } else {
      builder.credential(AzureCredentials.of(config.azure()));
    }
    if (config.gatewayMode()) {
      builder.gatewayMode();
    } else {
      builder.directMode();
    }
    CosmosClient client = builder.buildClient();
    CosmosDocumentSink sink = new CosmosDocumentSink(client, config, sdkMeters);
    try {
      for (DocumentType type : types) {
        sink.register(type);
      }
      return sink;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private void register(DocumentType type) {
    // Cosmos DB refuses a patch of the id or the partition key: both are set when the document is created and a
    // document never moves to another id or partition (another key is another document).
    List<String> fields = new ArrayList<>(type.fields());
    fields.remove("id");
    fields.remove(type.partitionKey());
    List<String> patched = List.copyOf(fields);
    fields.add("sourcePos");
    if (fields.size() > MAX_PATCH_OPERATIONS) {
      throw new IllegalArgumentException("serving.documents." + type.name() + ": Cosmos DB patches at most "
          + MAX_PATCH_OPERATIONS + " fields at once and a " + type.name() + " document has " + patched.size()
          + " top-level fields besides id and its partition key (" + String.join(", ", patched) + "); keep at most "
          + (MAX_PATCH_OPERATIONS - 1) + " by grouping some under an object (fields: {group: {a: a, b: b}})");
    }
    CosmosContainerResponse response = container(type.name(), true);
    List<String> paths = response.getProperties().getPartitionKeyDefinition().getPaths();
    if (!paths.equals(List.of("/" + type.partitionKey()))) {
      throw new IllegalStateException("Cosmos DB container " + config.database() + "/" + config.container(type.name())
          + " is partitioned by " + paths + " but " + type.name() + " documents declare partitionKey: "
          + type.partitionKey() + " (create the container with partition key path /" + type.partitionKey() + ")");
    }
    fieldsByType.put(type.name(), fields);
  }

  /** The type's container, read once (fails now, with the service's reason, when missing or access is denied). */
  private CosmosContainerResponse container(String type, boolean check) {
    String name = config.container(type);
    try {
      CosmosContainer container = client.getDatabase(config.database()).getContainer(name);
      CosmosContainerResponse response = check ? container.read() : null;
      containers.put(type, container);
      return response;
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cosmos DB container " + config.database() + "/" + name + " at "
          + config.endpoint() + " is not usable: " + firstLine(e), e);
    }
  }

  private synchronized CosmosContainer containerOf(String type) {
    if (!containers.containsKey(type)) {
      container(type, false);
    }
    return containers.get(type);
  }

  @Override
  public String name() {
    return "cosmos";
  }

  @Override
  public SinkResult write(List<Document> documents) throws Exception {
    Map<String, List<Document>> byType = new LinkedHashMap<>();
    for (Document document : LocalDocumentStore.newestPerId(documents)) {
      byType.computeIfAbsent(document.type(), type -> new ArrayList<>()).add(document);
    }
    Tally tally = new Tally();
    for (Map.Entry<String, List<Document>> entry : byType.entrySet()) {
      List<String> fields = fieldsByType.get(entry.getKey());
      if (fields == null) {
        throw new IllegalArgumentException("document type '" + entry.getKey() + "' was not declared to this sink");
      }
      CosmosContainer container = containerOf(entry.getKey());
      Map<String, Document> upserts = new LinkedHashMap<>();
      List<Document> deletes = new ArrayList<>();
      for (Document document : entry.getValue()) {
        if (document.isDelete()) {
          deletes.add(document);
        } else {
          upserts.put(document.id(), document);
        }
      }
      writeUpserts(container, fields, upserts, tally);
      writeDeletes(container, deletes, tally);
    }
    return new SinkResult(tally.upserted, tally.deleted, tally.skippedOlder, tally.retries, tally.requestUnits);
  }

  /** Patch under the position predicate; create what is missing; patch again what another writer created. */
  private void writeUpserts(CosmosContainer container, List<String> fields, Map<String, Document> documents,
      Tally tally) throws Exception {
    List<String> toPatch = new ArrayList<>(documents.keySet());
    for (int attempt = 1; !toPatch.isEmpty(); attempt++) {
      if (attempt > ATTEMPTS) {
        throw new IllegalStateException("Cosmos DB: " + toPatch.size() + " documents still conflicting after "
            + ATTEMPTS + " attempts, e.g. " + toPatch.get(0));
      }
      List<CosmosItemOperation> patches = new ArrayList<>();
      for (String id : toPatch) {
        patches.add(patch(documents.get(id), fields));
      }
      List<String> toCreate = new ArrayList<>();
      for (CosmosBulkOperationResponse<Object> result : execute(container, patches, tally)) {
        String id = result.getOperation().getId();
        int status = status(result);
        if (status == 200) {
          tally.upserted++;
        } else if (status == 412) {
          tally.skippedOlder++;
        } else if (status == 404) {
          toCreate.add(id);
        } else {
          throw failure("patch", result);
        }
      }
      toPatch = new ArrayList<>();
      if (toCreate.isEmpty()) {
        break;
      }
      List<CosmosItemOperation> creates = new ArrayList<>();
      for (String id : toCreate) {
        Document document = documents.get(id);
        creates.add(CosmosBulkOperations.getCreateItemOperation(JSON.readTree(document.json()),
            new PartitionKey(document.partitionKey())));
      }
      for (CosmosBulkOperationResponse<Object> result : execute(container, creates, tally)) {
        int status = status(result);
        if (status == 201) {
          tally.upserted++;
        } else if (status == 409) {
          tally.retries++;
          toPatch.add(result.getOperation().getId());
        } else {
          throw failure("create", result);
        }
      }
    }
  }

  /** Sets every declared field (absent ones to null, so that nothing of an older version stays behind). */
  private static CosmosItemOperation patch(Document document, List<String> fields) throws Exception {
    JsonNode json = JSON.readTree(document.json());
    CosmosPatchOperations operations = CosmosPatchOperations.create();
    for (String field : fields) {
      JsonNode value = json.get(field);
      operations.set("/" + field, value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value);
    }
    String position = document.sourcePos();
    CosmosBulkPatchItemRequestOptions options = new CosmosBulkPatchItemRequestOptions()
        .setFilterPredicate("FROM c WHERE NOT IS_DEFINED(c.sourcePos) OR c.sourcePos <= '" + position.replace("'", "\\'") + "'");
    return CosmosBulkOperations.getPatchItemOperation(document.id(), new PartitionKey(document.partitionKey()),
        operations, options);
  }

  /** Read each document's position and ETag, then delete under that ETag (412: changed meanwhile, read again). */
  private void writeDeletes(CosmosContainer container, List<Document> deletes, Tally tally) {
    List<Document> pending = deletes;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > ATTEMPTS) {
        throw new IllegalStateException("Cosmos DB: " + pending.size() + " deletes still conflicting after "
            + ATTEMPTS + " attempts, e.g. " + pending.get(0).id());
      }
      Map<String, Document> byId = new HashMap<>();
      List<CosmosItemOperation> operations = new ArrayList<>();
      for (Document delete : pending) {
        Optional<CosmosItemResponse<JsonNode>> stored = read(container, delete.id(), delete.partitionKey(), tally);
        if (stored.isEmpty()) {
          continue; // nothing to delete
        }
        String storedPosition = stored.get().getItem().path("sourcePos").asText("");
        if (storedPosition.compareTo(delete.sourcePos()) > 0) {
          tally.skippedOlder++;
          continue;
        }
        byId.put(delete.id(), delete);
        operations.add(CosmosBulkOperations.getDeleteItemOperation(delete.id(), new PartitionKey(delete.partitionKey()),
            new CosmosBulkItemRequestOptions().setIfMatchETag(stored.get().getETag())));
      }
      List<Document> again = new ArrayList<>();
      for (CosmosBulkOperationResponse<Object> result : execute(container, operations, tally)) {
        int status = status(result);
        if (status == 204) {
          tally.deleted++;
        } else if (status == 404) {
          continue; // deleted meanwhile
        } else if (status == 412) {
          tally.retries++;
          again.add(byId.get(result.getOperation().getId()));
        } else {
          throw failure("delete", result);
        }
      }
      pending = again;
    }
  }

  private static List<CosmosBulkOperationResponse<Object>> execute(CosmosContainer container,
      List<CosmosItemOperation> operations, Tally tally) {
    List<CosmosBulkOperationResponse<Object>> results = new ArrayList<>();
    if (operations.isEmpty()) {
      return results;
    }
    Iterator<CosmosBulkOperationResponse<Object>> responses =
        container.executeBulkOperations(operations, new CosmosBulkExecutionOptions()).iterator();
    while (responses.hasNext()) {
      CosmosBulkOperationResponse<Object> result = responses.next();
      if (result.getResponse() != null) {
        tally.requestUnits += result.getResponse().getRequestCharge();
      }
      results.add(result);
    }
    return results;
  }

  private static Optional<CosmosItemResponse<JsonNode>> read(CosmosContainer container, String id,
      String partitionKey, Tally tally) {
    try {
      CosmosItemResponse<JsonNode> response = container.readItem(id, new PartitionKey(partitionKey), JsonNode.class);
      tally.requestUnits += response.getRequestCharge();
      return Optional.of(response);
    } catch (CosmosException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<String> get(String type, String id, String partitionKey) throws Exception {
    CosmosContainer container = containerOf(type);
    JsonNode item;
    if (partitionKey != null) {
      Optional<CosmosItemResponse<JsonNode>> response = read(container, id, partitionKey, new Tally());
      if (response.isEmpty()) {
        return Optional.empty();
      }
      item = response.get().getItem();
    } else {
      // Without the partition key a point read is impossible: one query across partitions.
      SqlQuerySpec query = new SqlQuerySpec("SELECT * FROM c WHERE c.id = @id", new SqlParameter("@id", id));
      Iterator<JsonNode> found = container.queryItems(query, new CosmosQueryRequestOptions(), JsonNode.class)
          .iterator();
      if (!found.hasNext()) {
        return Optional.empty();
      }
      item = found.next();
    }
    ObjectNode document = (ObjectNode) item;
    document.remove(List.of("_rid", "_self", "_etag", "_attachments", "_ts"));
    return Optional.of(JSON.writeValueAsString(document));
  }

  @Override
  public Set<String> ids(String type) {
    Set<String> ids = new HashSet<>();
    containerOf(type).queryItems("SELECT VALUE c.id FROM c", new CosmosQueryRequestOptions(), String.class)
        .forEach(ids::add);
    return ids;
  }

  private static int status(CosmosBulkOperationResponse<Object> result) {
    CosmosBulkItemResponse response = result.getResponse();
    return response == null ? -1 : response.getStatusCode();
  }

  private static IllegalStateException failure(String what, CosmosBulkOperationResponse<Object> result) {
    CosmosBulkItemResponse response = result.getResponse();
    String reason = response != null ? "status " + response.getStatusCode() + "/" + response.getSubStatusCode()
        : result.getException() == null ? "no response" : firstLine(result.getException());
    return new IllegalStateException("Cosmos DB " + what + " of document " + result.getOperation().getId()
        + " failed: " + reason);
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** The requests the service answered with 429, gateway or direct, as the SDK's request meters counted them. */
  @Override
  public long throttled() {
    double count = 0;
    for (Meter meter : sdkMeters.getMeters()) {
      String status = meter.getId().getTag("RequestStatusCode");
      if (REQUEST_METERS.matcher(meter.getId().getName()).matches() && status != null
          && status.startsWith("429")) {
        for (Measurement measurement : meter.measure()) {
          count += measurement.getValue();
        }
      }
    }
    return (long) count;
  }

  @Override
  public void close() {
    client.close();
  }

  private static final class Tally {
    long upserted;
    long deleted;
    long skippedOlder;
    long retries;
    double requestUnits;
  }
}
