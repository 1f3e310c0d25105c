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
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for the AI Search REST API, enough for what SearchIndexSink sends: index definition PUT,
 * {@code docs/search.index} and {@code docs/search.post.search}. It records every request, checks the API key and
 * the batch limit, and answers with scripted faults (a whole-request 503, a 207 failing chosen keys).
 */
public final class FakeSearchService implements AutoCloseable {
  public static final String API_KEY = "search-test-key";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEARCH_IN = Pattern.compile("search\\.in\\(id, '([^']*)', '\\|'\\)");
  private static final Pattern EQUALS =
      Pattern.compile("(?<![/\\w])(\\w+) eq '([^']*)'|(\\w+)/any\\(v: v eq '([^']*)'\\)");

  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<Integer> indexBatchSizes = Collections.synchronizedList(new ArrayList<>());
  public final Map<String, ObjectNode> documents = Collections.synchronizedMap(new TreeMap<>());
  volatile JsonNode indexDefinition;
  private final Deque<String> faults = new ArrayDeque<>();
  private final HttpsServer server;

  public FakeSearchService() throws Exception {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(TestTls.configurator());
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next index request fails as a whole with 503. */
  synchronized void failNextIndexRequest() {
    faults.add("503");
  }

  /** In the next index request, these keys fail with a retryable 503 (the rest succeed: a 207). */
  synchronized void failKeysOnce(String... keys) {
    faults.add("207:" + String.join(",", keys));
  }

  private synchronized String nextFault() {
    return faults.poll();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = URLDecoder.decode(exchange.getRequestURI().getPath(), StandardCharsets.UTF_8);
    byte[] body = exchange.getRequestBody().readAllBytes();
    String method = exchange.getRequestMethod();
    requests.add(method + " " + path);
    try {
      if (!API_KEY.equals(exchange.getRequestHeaders().getFirst("api-key"))) {
        respond(exchange, 403, "{\"error\":{\"message\":\"bad api-key\"}}");
      } else if (method.equals("PUT") && path.startsWith("/indexes('")) {
        JsonNode definition = JSON.readTree(body);
        String refused = refused(definition);
        if (refused != null) {
          respond(exchange, 400, "{\"error\":{\"message\":\"" + refused + "\"}}");
        } else {
          indexDefinition = definition;
          respond(exchange, 201, new String(body, StandardCharsets.UTF_8));
        }
      } else if (method.equals("GET") && path.startsWith("/indexes('") && indexDefinition != null) {
        respond(exchange, 200, indexDefinition.toString());
      } else if (method.equals("POST") && path.endsWith("/docs/search.index")) {
        index(exchange, JSON.readTree(body));
      } else if (method.equals("POST") && path.endsWith("/docs/search.post.search")) {
        search(exchange, JSON.readTree(body));
      } else {
        respond(exchange, 404, "{\"error\":{\"message\":\"not faked: " + method + " " + path + "\"}}");
      }
    } catch (RuntimeException e) {
      respond(exchange, 500, "{\"error\":{\"message\":\"fake failed: " + e + "\"}}");
    }
  }

  private void index(HttpExchange exchange, JsonNode request) throws IOException {
    JsonNode actions = request.get("value");
    indexBatchSizes.add(actions.size());
    if (actions.size() > 1000) {
      respond(exchange, 413, "{\"error\":{\"message\":\"more than 1000 documents in a batch\"}}");
      return;
    }
    String fault = nextFault();
    if ("503".equals(fault)) {
      respond(exchange, 503, "{\"error\":{\"message\":\"service busy\"}}");
      return;
    }
    List<String> failing = fault == null ? List.of() : Arrays.asList(fault.substring(4).split(","));
    ArrayNode results = JSON.createArrayNode();
    for (JsonNode action : actions) {
      String key = action.get("id").asText();
      ObjectNode result = results.addObject().put("key", key);
      if (failing.contains(key)) {
        result.put("status", false).put("statusCode", 503).put("errorMessage", "throttled item");
        continue;
      }
      String type = action.get("@search.action").asText();
      if (type.equals("delete")) {
        documents.remove(key);
      } else if (type.equals("mergeOrUpload")) {
        ObjectNode document = ((ObjectNode) action).deepCopy();
        document.remove("@search.action");
        documents.put(key, document);
      } else {
        throw new IllegalStateException("unexpected action " + type);
      }
      result.put("status", true).put("statusCode", 200).putNull("errorMessage");
    }
    respond(exchange, failing.isEmpty() ? 200 : 207, JSON.createObjectNode().set("value", results).toString());
  }

  /** What the service refuses in an index definition (as its docs say): the first problem, or null. */
  private static String refused(JsonNode definition) {
    int keys = 0;
    for (JsonNode field : definition.path("fields")) {
      String type = field.path("type").asText();
      keys += field.path("key").asBoolean() ? 1 : 0;
      if (field.path("searchable").asBoolean() && !type.equals("Edm.String") && !type.equals("Collection(Edm.String)")) {
        return "field " + field.path("name").asText() + ": only strings can be searchable";
      }
      if (field.path("sortable").asBoolean() && type.startsWith("Collection(")) {
        return "field " + field.path("name").asText() + ": collections cannot be sortable";
      }
    }
    return keys == 1 ? null : "an index needs exactly one key field";
  }

  /** search.in(id, ...) lookups, eq filters (any() on lists), and prefix terms over the searchable fields. */
  private void search(HttpExchange exchange, JsonNode request) throws IOException {
    String filter = request.path("filter").asText("");
    List<String> terms = new ArrayList<>();
    for (String term : request.path("search").asText("*").split(" ")) {
      if (!term.equals("*")) {
        terms.add(term.replace("*", "").toLowerCase(Locale.ROOT));
      }
    }
    Matcher ids = SEARCH_IN.matcher(filter);
    List<String> wanted = ids.find() ? Arrays.asList(ids.group(1).split("\\|")) : null;
    Map<String, String> equal = new HashMap<>();
    Matcher eq = EQUALS.matcher(filter);
    while (eq.find()) {
      equal.put(eq.group(1) != null ? eq.group(1) : eq.group(3), eq.group(2) != null ? eq.group(2) : eq.group(4));
    }
    List<String> searchable = new ArrayList<>();
    for (JsonNode field : indexDefinition.path("fields")) {
      if (field.path("searchable").asBoolean()) {
        searchable.add(field.path("name").asText());
      }
    }
    ArrayNode value = JSON.createArrayNode();
    synchronized (documents) {
      for (ObjectNode document : documents.values()) {
        if (wanted != null && !wanted.contains(document.get("id").asText())) {
          continue;
        }
        boolean matches = true;
        for (Map.Entry<String, String> condition : equal.entrySet()) {
          JsonNode field = document.path(condition.getKey());
          boolean any = false;
          for (JsonNode element : field.isArray() ? field : JSON.createArrayNode().add(field)) {
            any |= element.asText().equals(condition.getValue());
          }
          matches &= any;
        }
        if (!matches) {
          continue;
        }
        StringBuilder words = new StringBuilder();
        searchable.forEach(field -> words.append(' ').append(document.path(field).toString()));
        String text = words.toString().toLowerCase(Locale.ROOT);
        if (terms.stream().allMatch(term -> Pattern.compile("\\b" + Pattern.quote(term)).matcher(text).find())) {
          ObjectNode hit = document.deepCopy();
          hit.put("@search.score", 1.0);
          value.add(hit);
        }
      }
    }
    respond(exchange, 200, JSON.createObjectNode().set("value", value).toString());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; odata.metadata=none");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
