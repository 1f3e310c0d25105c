package dev.lakesync.serving.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for the Cosmos DB gateway (HTTPS REST), enough for the Java SDK in gateway mode: account,
 * container and partition-key-range metadata, point reads, and bulk batches of Create, Patch (with its filter
 * predicate on sourcePos) and Delete (with If-Match). It records each batch, checks the key signature header and the
 * partition key of every operation, and answers with scripted throttling (a whole 429, or 429s for some items).
 */
public final class FakeCosmosGateway implements AutoCloseable {
  public static final String KEY = java.util.Base64.getEncoder().encodeToString("cosmos-test-key-0123456789".getBytes(StandardCharsets.UTF_8));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATABASE_RID = "1KtjAA==";
  private static final String CONTAINER_RID = "1KtjAImkcgw=";
  private static final Pattern CONDITION = Pattern.compile("FROM c WHERE NOT IS_DEFINED\\(c\\.sourcePos\\) OR c\\.sourcePos <= '([^']*)'");

  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<JsonNode> batches = Collections.synchronizedList(new ArrayList<>());
  final List<Long> batchTimesNanos = Collections.synchronizedList(new ArrayList<>());
  public final Map<String, ObjectNode> documents = Collections.synchronizedMap(new TreeMap<>());
  public final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final Deque<String> faults = new ArrayDeque<>();
  private final AtomicLong etags = new AtomicLong();
  private final HttpsServer server;

  public FakeCosmosGateway() throws Exception {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(TestTls.configurator());
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** The next batch request is throttled as a whole: 429 with x-ms-retry-after-ms. */
  synchronized void throttleNextBatch(int retryAfterMs) {
    faults.add("429:" + retryAfterMs);
  }

  /** In the next batch, the first N operations get a 429 (the rest succeed: a 207). */
  synchronized void throttleItemsOfNextBatch(int count) {
    faults.add("207:" + count);
  }

  private synchronized String nextFault() {
    return faults.poll();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = URLDecoder.decode(exchange.getRequestURI().getPath(), StandardCharsets.UTF_8);
    String method = exchange.getRequestMethod();
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(method + " " + path);
    try {
      String authorization = exchange.getRequestHeaders().getFirst("authorization");
      if (authorization == null || !URLDecoder.decode(authorization, StandardCharsets.UTF_8).startsWith("type=master&ver=1.0&sig=")) {
        respond(exchange, 401, "{\"code\":\"Unauthorized\",\"message\":\"no master key signature\"}", Map.of());
        return;
      }
      String trimmed = path.replaceAll("/+$", "");
      if (method.equals("GET") && trimmed.isEmpty()) {
        respond(exchange, 200, account(exchange), Map.of());
      } else if (method.equals("GET") && trimmed.matches("/dbs/[^/]+/colls/[^/]+")) {
        respond(exchange, 200, container(), Map.of("etag", "\"c1\""));
      } else if (method.equals("GET") && trimmed.endsWith("/pkranges")) {
        if (exchange.getRequestHeaders().getFirst("If-None-Match") != null) {
          respond(exchange, 304, "", Map.of("etag", "\"pk1\""));
        } else {
          respond(exchange, 200, partitionKeyRanges(), Map.of("etag", "\"pk1\""));
        }
      } else if (method.equals("GET") && trimmed.matches("/dbs/[^/]+/colls/[^/]+/docs/[^/]+")) {
        ObjectNode document = documents.get(trimmed.substring(trimmed.lastIndexOf('/') + 1));
        if (document == null) {
          respond(exchange, 404, "{\"code\":\"NotFound\",\"message\":\"Entity with the specified id does not exist\"}", Map.of());
        } else {
          respond(exchange, 200, document.toString(), Map.of("etag", document.get("_etag").asText()));
        }
      } else if (method.equals("POST") && trimmed.endsWith("/docs")
          && "true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("x-ms-cosmos-is-batch-request"))) {
        batch(exchange, JSON.readTree(body));
      } else {
        problems.add("not faked: " + method + " " + path);
        respond(exchange, 400, "{\"code\":\"BadRequest\",\"message\":\"not faked: " + method + " " + path + "\"}", Map.of());
      }
    } catch (RuntimeException e) {
      problems.add(e.toString());
      respond(exchange, 500, "{\"code\":\"InternalServerError\",\"message\":\"fake failed\"}", Map.of());
    }
  }

  private void batch(HttpExchange exchange, JsonNode operations) throws IOException {
    batches.add(operations);
    batchTimesNanos.add(System.nanoTime());
    String fault = nextFault();
    if (fault != null && fault.startsWith("429:")) {
      respond(exchange, 429, "{\"code\":\"TooManyRequests\",\"message\":\"Request rate is large\"}",
          Map.of("x-ms-retry-after-ms", fault.substring(4), "x-ms-substatus", "3200"));
      return;
    }
    int throttled = fault == null ? 0 : Integer.parseInt(fault.substring(4));
    ArrayNode results = JSON.createArrayNode();
    boolean partial = false;
    int index = 0;
    for (JsonNode operation : operations) {
      ObjectNode result = results.addObject();
      if (index++ < throttled) {
        result.put("statusCode", 429).put("subStatusCode", 3200).put("retryAfterMilliseconds", 20).put("requestCharge", 0.0);
        partial = true;
        continue;
      }
      apply(operation, result);
    }
    respond(exchange, partial ? 207 : 200, results.toString(), Map.of());
  }

  /** One operation of a batch, as the service would do it; the result gets status, charge and ETag. */
  /** The container is partitioned by /customerId. */
  private static boolean patchesIdOrPartitionKey(JsonNode operations) {
    for (JsonNode patch : operations) {
      String path = patch.path("path").asText();
      if (path.equals("/id") || path.equals("/customerId")) {
        return true;
      }
    }
    return false;
  }

  private void apply(JsonNode operation, ObjectNode result) {
    String type = operation.path("operationType").asText();
    String id = operation.path("id").asText(null);
    JsonNode body = operation.get("resourceBody");
    if (id == null && body != null) {
      id = body.path("id").asText();
    }
    String partitionKey = operation.path("partitionKey").asText();
    ObjectNode stored = documents.get(id);
    double charge = 0;
    int status;
    switch (type) {
      case "Create":
        if (!partitionKey.equals("[\"" + body.path("customerId").asText() + "\"]")) {
          problems.add("create " + id + " with partition key " + partitionKey);
        }
        if (stored != null) {
          status = 409;
        } else {
          ObjectNode created = ((ObjectNode) body).deepCopy();
          created.put("_etag", "\"e" + etags.incrementAndGet() + "\"");
          documents.put(id, created);
          status = 201;
          charge = 10.5;
        }
        break;
      case "Patch":
        if (!partitionKey.equals("[\"" + id + "\"]")) {
          problems.add("patch " + id + " with partition key " + partitionKey);
        }
        if (body.path("operations").size() > 10) {
          problems.add("patch " + id + " with more than 10 operations");
        }
        if (patchesIdOrPartitionKey(body.path("operations"))) {
          status = 400; // as the service: neither the id nor the partition key can be updated
        } else if (stored == null) {
          status = 404;
        } else if (!conditionHolds(body.path("condition").asText(), stored)) {
          status = 412;
          charge = 1.0;
        } else {
          for (JsonNode patch : body.path("operations")) {
            if (!patch.path("op").asText().equals("set")) {
              problems.add("patch op " + patch.path("op").asText());
            }
            stored.set(patch.path("path").asText().substring(1), patch.get("value"));
          }
          stored.put("_etag", "\"e" + etags.incrementAndGet() + "\"");
          status = 200;
          charge = 12.0;
        }
        break;
      case "Delete":
        String ifMatch = operation.path("ifMatch").asText(null);
        if (stored == null) {
          status = 404;
        } else if (ifMatch != null && !ifMatch.equals(stored.get("_etag").asText())) {
          status = 412;
        } else {
          documents.remove(id);
          status = 204;
          charge = 5.0;
        }
        break;
      default:
        problems.add("operation " + type);
        status = 400;
    }
    result.put("statusCode", status).put("requestCharge", charge);
    ObjectNode now = documents.get(id);
    if (now != null && status < 300) {
      result.put("eTag", now.get("_etag").asText());
    }
  }

  private boolean conditionHolds(String condition, ObjectNode stored) {
    Matcher matcher = CONDITION.matcher(condition);
    if (!matcher.matches()) {
      problems.add("unexpected filter predicate: " + condition);
      return false;
    }
    JsonNode position = stored.get("sourcePos");
    return position == null || position.asText().compareTo(matcher.group(1)) <= 0;
  }

  private static String account(HttpExchange exchange) {
    String self = "https://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/";
    return "{\"_self\":\"\",\"id\":\"fake\",\"_rid\":\"fake.documents.azure.com\",\"media\":\"//media/\","
        + "\"addresses\":\"//addresses/\",\"_dbs\":\"//dbs/\","
        + "\"writableLocations\":[{\"name\":\"Fake Region\",\"databaseAccountEndpoint\":\"" + self + "\"}],"
        + "\"readableLocations\":[{\"name\":\"Fake Region\",\"databaseAccountEndpoint\":\"" + self + "\"}],"
        + "\"enableMultipleWriteLocations\":false,\"enableNRegionSynchronousCommit\":false,"
        + "\"userReplicationPolicy\":{\"asyncReplication\":false,\"minReplicaSetSize\":1,\"maxReplicasetSize\":4},"
        + "\"userConsistencyPolicy\":{\"defaultConsistencyLevel\":\"Session\"},"
        + "\"systemReplicationPolicy\":{\"minReplicaSetSize\":1,\"maxReplicasetSize\":4},"
        + "\"readPolicy\":{\"primaryReadCoefficient\":1,\"secondaryReadCoefficient\":1},"
        + "\"queryEngineConfiguration\":\"{}\"}";
  }

  private static String container() {
    return "{\"id\":\"customers\",\"_rid\":\"" + CONTAINER_RID + "\",\"_self\":\"dbs/" + DATABASE_RID + "/colls/"
        + CONTAINER_RID + "/\",\"_etag\":\"\\\"c1\\\"\",\"_ts\":1,"
        + "\"partitionKey\":{\"paths\":[\"/customerId\"],\"kind\":\"Hash\",\"version\":2},"
        + "\"indexingPolicy\":{\"indexingMode\":\"consistent\",\"automatic\":true,\"includedPaths\":[{\"path\":\"/*\"}],\"excludedPaths\":[]}}";
  }

  private static String partitionKeyRanges() {
    return "{\"_rid\":\"" + CONTAINER_RID + "\",\"PartitionKeyRanges\":[{\"_rid\":\"1KtjAImkcgwCAAAAAAAAUA==\",\"id\":\"0\","
        + "\"_etag\":\"\\\"pk1\\\"\",\"minInclusive\":\"\",\"maxExclusive\":\"FF\",\"ridPrefix\":0,\"_self\":\"dbs/"
        + DATABASE_RID + "/colls/" + CONTAINER_RID + "/pkranges/1KtjAImkcgwCAAAAAAAAUA==/\",\"throughputFraction\":1,"
        + "\"status\":\"online\",\"parents\":[],\"_ts\":1,\"_lsn\":1}],\"_count\":1}";
  }

  private static void respond(HttpExchange exchange, int status, String body, Map<String, String> headers) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-ms-request-charge", "1.0");
    exchange.getResponseHeaders().set("x-ms-activity-id", java.util.UUID.randomUUID().toString());
    exchange.getResponseHeaders().set("x-ms-session-token", "0:1#1");
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(status, status == 304 || bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
