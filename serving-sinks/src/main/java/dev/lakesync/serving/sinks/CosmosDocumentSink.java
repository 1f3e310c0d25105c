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
import com.azure.cosmos.models.CosmosItemOperation;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.CosmosPatchOperations;
import com.azure.cosmos.models.PartitionKey;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakesync.common.config.ServingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Azure Cosmos DB for NoSQL through the bulk API. A document is never replaced by one reflecting an older source
 * position: an upsert is a patch of every field under the filter predicate {@code c.sourcePos <= new}, which the
 * service evaluates atomically (412 when the stored document is newer); a missing document is created (409 when
 * another writer was first: patched again). A delete reads the document first and deletes it under its ETag.
 * Throttling (429) is retried by the SDK honouring {@code x-ms-retry-after-ms}; request units are summed.
 */
public final class CosmosDocumentSink implements DocumentSink, DocumentLookup {
  static final int ATTEMPTS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  // Patched as a whole; at most ten operations per patch, which the document's shape keeps (DocumentBuilder).
  private static final List<String> REPLACED_FIELDS = List.of("customerId", "profile", "accounts", "currencies",
      "latestPayments", "aggregates", "merchants", "sourcePos");

  private final CosmosClient client;
  private final CosmosContainer container;
  private final String[] partitionKeyPath;

  CosmosDocumentSink(CosmosClient client, CosmosContainer container, String partitionKeyPath) {
    this.client = client;
    this.container = container;
    this.partitionKeyPath = partitionKeyPath.substring(1).split("/");
  }

  /** Connects with the account key when configured, Azure identity otherwise. The container must exist. */
  public static CosmosDocumentSink open(ServingConfig.Cosmos config) {
    CosmosClientBuilder builder = new CosmosClientBuilder().endpoint(config.endpoint().toString())
        .contentResponseOnWriteEnabled(false)
        .throttlingRetryOptions(new ThrottlingRetryOptions().setMaxRetryAttemptsOnThrottledRequests(9)
            .setMaxRetryWaitTime(Duration.ofSeconds(60)));
    if (config.key() != null) {
      builder.key(config.key().reveal());
    } else {
      builder.credential(new DefaultAzureCredentialBuilder().build());
    }
    if (config.gatewayMode()) {
      builder.gatewayMode();
    } else {
      builder.directMode();
    }
    CosmosClient client = builder.buildClient();
    try {
      CosmosContainer container = client.getDatabase(config.database()).getContainer(config.container());
      container.read(); // fails now, with the service's reason, when the container is missing or access is denied
      return new CosmosDocumentSink(client, container, config.partitionKeyPath());
    } catch (RuntimeException e) {
      client.close();
      throw new IllegalStateException("Cosmos DB container " + config.database() + "/" + config.container() + " at "
          + config.endpoint() + " is not usable: " + firstLine(e), e);
    }
  }

  @Override
  public String name() {
    return "cosmos";
  }

  @Override
  public SinkResult write(List<CustomerDocument> documents) throws Exception {
    List<CustomerDocument> unique = LocalDocumentStore.newestPerId(documents);
    Map<String, ObjectNode> upserts = new HashMap<>();
    List<CustomerDocument> deletes = new ArrayList<>();
    for (CustomerDocument document : unique) {
      if (document.isDelete()) {
        deletes.add(document);
      } else {
        upserts.put(document.id(), (ObjectNode) JSON.readTree(document.json()));
      }
    }
    Tally tally = new Tally();
    writeUpserts(upserts, tally);
    writeDeletes(deletes, tally);
    return new SinkResult(tally.upserted, tally.deleted, tally.skippedOlder, tally.retries, tally.requestUnits);
  }

  /** Patch under the position predicate; create what is missing; patch again what another writer created. */
  private void writeUpserts(Map<String, ObjectNode> documents, Tally tally) {
    List<String> toPatch = new ArrayList<>(documents.keySet());
    for (int attempt = 1; !toPatch.isEmpty(); attempt++) {
      if (attempt > ATTEMPTS) {
        throw new IllegalStateException("Cosmos DB: " + toPatch.size() + " documents still conflicting after "
            + ATTEMPTS + " attempts, e.g. " + toPatch.get(0));
      }
      List<CosmosItemOperation> patches = new ArrayList<>();
      for (String id : toPatch) {
        patches.add(patch(documents.get(id)));
      }
      List<String> toCreate = new ArrayList<>();
      for (CosmosBulkOperationResponse<Object> result : execute(patches, tally)) {
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
        ObjectNode document = documents.get(id);
        creates.add(CosmosBulkOperations.getCreateItemOperation(document, partitionKey(document)));
      }
      for (CosmosBulkOperationResponse<Object> result : execute(creates, tally)) {
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

  private CosmosItemOperation patch(ObjectNode document) {
    CosmosPatchOperations operations = CosmosPatchOperations.create();
    for (String field : REPLACED_FIELDS) {
      JsonNode value = document.get(field);
      if (value != null) {
        operations.set("/" + field, value);
      }
    }
    String position = document.path("sourcePos").asText();
    CosmosBulkPatchItemRequestOptions options = new CosmosBulkPatchItemRequestOptions()
        .setFilterPredicate("FROM c WHERE NOT IS_DEFINED(c.sourcePos) OR c.sourcePos <= '" + position.replace("'", "\\'") + "'");
    return CosmosBulkOperations.getPatchItemOperation(document.path("id").asText(), partitionKey(document),
        operations, options);
  }

  /** Read each document's position and ETag, then delete under that ETag (412: changed meanwhile, read again). */
  private void writeDeletes(List<CustomerDocument> deletes, Tally tally) {
    List<CustomerDocument> pending = deletes;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > ATTEMPTS) {
        throw new IllegalStateException("Cosmos DB: " + pending.size() + " deletes still conflicting after "
            + ATTEMPTS + " attempts, e.g. " + pending.get(0).id());
      }
      Map<String, CustomerDocument> byId = new HashMap<>();
      List<CosmosItemOperation> operations = new ArrayList<>();
      for (CustomerDocument delete : pending) {
        Optional<CosmosItemResponse<JsonNode>> stored = read(delete.id(), delete.partitionKey(), tally);
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
      List<CustomerDocument> again = new ArrayList<>();
      for (CosmosBulkOperationResponse<Object> result : execute(operations, tally)) {
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

  private List<CosmosBulkOperationResponse<Object>> execute(List<CosmosItemOperation> operations, Tally tally) {
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

  private Optional<CosmosItemResponse<JsonNode>> read(String id, String partitionKey, Tally tally) {
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
  public Optional<String> get(String id, String partitionKey) throws Exception {
    Optional<CosmosItemResponse<JsonNode>> response = read(id, partitionKey, new Tally());
    if (response.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode document = (ObjectNode) response.get().getItem();
    document.remove(List.of("_rid", "_self", "_etag", "_attachments", "_ts"));
    return Optional.of(JSON.writeValueAsString(document));
  }

  private PartitionKey partitionKey(JsonNode document) {
    JsonNode value = document;
    for (String segment : partitionKeyPath) {
      value = value.path(segment);
    }
    if (value.isMissingNode() || value.isNull()) {
      throw new IllegalArgumentException("document " + document.path("id").asText() + " has no value at the partition key path /"
          + String.join("/", partitionKeyPath));
    }
    return new PartitionKey(value.asText());
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
