package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Serving;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The documents serving-sync builds ({@code documents}) and where it writes them: Cosmos DB, AI Search and/or the
 * local stand-in store.
 */
public final class ServingConfig {
  /** Document sinks; several may be active at once. */
  public enum Sink { LOCAL, COSMOS, SEARCH }

  private final List<Sink> sinks;
  private final Local local;
  private final Cosmos cosmos;
  private final Search search;
  private final List<DocumentDeclaration> documents;

  private ServingConfig(ConfigNode node, List<TableConfig> tables, AzureConfig azure) {
    List<Sink> parsed = new ArrayList<>();
    List<String> names = node.get(Serving.SINKS);
    for (int i = 0; i < names.size(); i++) {
      Sink sink = parseSink(node, i, names.get(i));
      if (sink != null && !parsed.contains(sink)) {
        parsed.add(sink);
      }
    }
    this.sinks = List.copyOf(parsed);
    this.local = section(node, Serving.LOCAL, Sink.LOCAL).map(Local::new).orElse(null);
    this.cosmos = section(node, Serving.COSMOS, Sink.COSMOS).map(at -> new Cosmos(at, azure)).orElse(null);
    this.search = section(node, Serving.SEARCH, Sink.SEARCH).map(at -> new Search(at, azure)).orElse(null);
    this.documents = parseDocuments(node, tables);
    node.rejectUnknownKeys();
  }

  static ServingConfig from(ConfigNode node, List<TableConfig> tables, AzureConfig azure) {
    return new ServingConfig(node, tables, azure);
  }

  /** The document types, each naming only configured tables. */
  private static List<DocumentDeclaration> parseDocuments(ConfigNode node, List<TableConfig> tables) {
    Set<String> tableNames = new LinkedHashSet<>();
    for (TableConfig table : tables) {
      tableNames.add(table.qualifiedName());
    }
    List<DocumentDeclaration> parsed = new ArrayList<>();
    node.get(Serving.DOCUMENTS).forEach((type, at) -> {
      DocumentDeclaration document = DocumentDeclaration.from(type, at);
      for (String table : document.tables()) {
        if (!tableNames.contains(table)) {
          at.problem("", "table '" + table + "' is not in tables: (" + String.join(", ", tableNames) + ")");
        }
      }
      parsed.add(document);
    });
    return List.copyOf(parsed);
  }

  private static Sink parseSink(ConfigNode node, int index, String name) {
    for (Sink sink : Sink.values()) {
      if (ConfigNode.configName(sink).equals(name.trim())) {
        return sink;
      }
    }
    node.problem("sinks[" + index + "]", "expected one of " + ConfigNode.choices(Sink.class) + ", got '" + name + "'");
    return null;
  }

  /** A sink's section, required when the sink is listed. */
  private Optional<ConfigNode> section(ConfigNode node, ConfigOption<Optional<ConfigNode>> option, Sink sink) {
    Optional<ConfigNode> section = node.get(option);
    if (section.isEmpty() && sinks.contains(sink) && !node.has(option)) {
      node.problem(option.key(), "section is required");
    }
    return section;
  }

  public List<Sink> sinks() {
    return sinks;
  }

  public Optional<Local> local() {
    return Optional.ofNullable(local);
  }

  public Optional<Cosmos> cosmos() {
    return Optional.ofNullable(cosmos);
  }

  public Optional<Search> search() {
    return Optional.ofNullable(search);
  }

  /** The declared document types, in file order (none when the section declares none). */
  public List<DocumentDeclaration> documents() {
    return documents;
  }

  /** The declared document type of that name, if any. */
  public Optional<DocumentDeclaration> document(String type) {
    return documents.stream().filter(document -> document.type().equals(type)).findFirst();
  }

  @Override
  public String toString() {
    return "ServingConfig{sinks=" + sinks + ", local=" + local + ", cosmos=" + cosmos + ", search=" + search + "}";
  }

  /** The local stand-in stores (a PostgreSQL database for documents and full-text search). */
  public static final class Local {
    private final String jdbcUrl;
    private final String user;
    private final Secret password;

    Local(ConfigNode node) {
      this.jdbcUrl = node.get(ConfigOptions.LocalStore.JDBC_URL);
      this.user = node.get(ConfigOptions.LocalStore.USER);
      this.password = node.get(ConfigOptions.LocalStore.PASSWORD);
      if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql://")) {
        node.problem("jdbcUrl", "expected a URL starting with jdbc:postgresql://, got '"
            + WarehouseConfig.redactJdbcUrl(jdbcUrl) + "'");
      }
      node.rejectUnknownKeys();
    }

    public String jdbcUrl() {
      return jdbcUrl;
    }

    public String user() {
      return user;
    }

    public Secret password() {
      return password;
    }

    /** JDBC connection properties for {@link #jdbcUrl()}: user and password when given. */
    public java.util.Properties jdbcProperties() {
      return JdbcCredentials.of(user, password);
    }

    @Override
    public String toString() {
      return "Local{jdbcUrl=" + WarehouseConfig.redactJdbcUrl(String.valueOf(jdbcUrl)) + ", user=" + user + "}";
    }
  }

  /** Azure Cosmos DB for NoSQL; key auth when {@code key} is set, Azure identity otherwise. */
  public static final class Cosmos {
    private final URI endpoint;
    private final String database;
    private final Map<String, String> containers;
    private final Secret key;
    private final boolean gatewayMode;
    private final AzureConfig azure;

    Cosmos(ConfigNode node, AzureConfig azure) {
      this.azure = azure;
      this.endpoint = node.get(ConfigOptions.Cosmos.ENDPOINT);
      this.database = node.get(ConfigOptions.Cosmos.DATABASE);
      Map<String, String> named = node.get(ConfigOptions.Cosmos.CONTAINERS);
      this.containers = named == null ? Map.of() : named;
      this.key = node.get(ConfigOptions.Cosmos.KEY);
      this.gatewayMode = "gateway".equals(node.get(ConfigOptions.Cosmos.CONNECTION_MODE));
      node.rejectUnknownKeys();
    }

    public URI endpoint() {
      return endpoint;
    }

    public String database() {
      return database;
    }

    /** The container of a document type: as mapped under {@code containers}, else named after the type. */
    public String container(String documentType) {
      return containers.getOrDefault(documentType, documentType);
    }

    /** Null when Azure identity is used. */
    public Secret key() {
      return key;
    }

    /** The service principal to sign in as without a key; null: the ambient identity. */
    public AzureConfig azure() {
      return azure;
    }

    /** Gateway (HTTPS through the account endpoint) instead of direct (TCP to the replicas, the default). */
    public boolean gatewayMode() {
      return gatewayMode;
    }

    @Override
    public String toString() {
      return "Cosmos{endpoint=" + endpoint + ", database=" + database + ", containers=" + containers
          + ", mode=" + (gatewayMode ? "gateway" : "direct") + ", key=" + (key == null ? "azure-identity" : key) + "}";
    }
  }

  /** Azure AI Search; API key when {@code apiKey} is set, Azure identity otherwise. */
  public static final class Search {
    private final URI endpoint;
    private final Map<String, String> indexes;
    private final Secret apiKey;
    private final AzureConfig azure;

    Search(ConfigNode node, AzureConfig azure) {
      this.azure = azure;
      this.endpoint = node.get(ConfigOptions.Search.ENDPOINT);
      Map<String, String> named = node.get(ConfigOptions.Search.INDEXES);
      this.indexes = named == null ? Map.of() : new LinkedHashMap<>(named);
      this.apiKey = node.get(ConfigOptions.Search.API_KEY);
      indexes.forEach((type, index) -> {
        if (!index.matches("[a-z0-9][a-z0-9-]{1,127}")) {
          node.problem("indexes." + type, "expected lower-case letters, digits and dashes (an AI Search index name), "
              + "got '" + index + "'");
        }
      });
      node.rejectUnknownKeys();
    }

    public URI endpoint() {
      return endpoint;
    }

    /** The index of a document type: as mapped under {@code indexes}, else the type's name with dashes. */
    public String index(String documentType) {
      return indexes.getOrDefault(documentType, documentType.replace('_', '-'));
    }

    /** Null when Azure identity is used. */
    public Secret apiKey() {
      return apiKey;
    }

    /** The service principal to sign in as without an API key; null: the ambient identity. */
    public AzureConfig azure() {
      return azure;
    }

    @Override
    public String toString() {
      return "Search{endpoint=" + endpoint + ", indexes=" + indexes + ", apiKey=" + (apiKey == null ? "azure-identity" : apiKey) + "}";
    }
  }
}
