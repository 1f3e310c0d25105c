package dev.lakesync.common.config;

import static dev.lakesync.common.config.ConfigOption.bool;
import static dev.lakesync.common.config.ConfigOption.choice;
import static dev.lakesync.common.config.ConfigOption.duration;
import static dev.lakesync.common.config.ConfigOption.integer;
import static dev.lakesync.common.config.ConfigOption.list;
import static dev.lakesync.common.config.ConfigOption.namedSections;
import static dev.lakesync.common.config.ConfigOption.names;
import static dev.lakesync.common.config.ConfigOption.properties;
import static dev.lakesync.common.config.ConfigOption.secret;
import static dev.lakesync.common.config.ConfigOption.section;
import static dev.lakesync.common.config.ConfigOption.sectionList;
import static dev.lakesync.common.config.ConfigOption.serviceUrl;
import static dev.lakesync.common.config.ConfigOption.text;
import static dev.lakesync.common.config.ConfigOption.tree;
import static dev.lakesync.common.config.ConfigOption.url;

import dev.lakesync.common.Identifiers;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of the pipeline YAML, declared once: type, default, validation, whether required or secret, and its doc.
 * The config classes read their keys only through these declarations, and docs/configuration.md is generated from
 * them ({@link ConfigReference}), so the reference cannot drift from what the loader accepts.
 */
public final class ConfigOptions {
  private ConfigOptions() {}

  private static final String LETTERS_DIGITS_UNDERSCORES = "letters, digits and underscores";

  /** {@code secrets}: where a Synapse job reads its variables. */
  public static final class Secrets {
    static final ConfigSection SECTION = new ConfigSection("secrets",
        "Inside a Synapse Spark job, `${VAR}` is read from this Key Vault's secret `VAR` (dashes for underscores); "
            + "elsewhere from the environment. A stage needs only the variables of the sections it reads.");
    public static final ConfigOption<String> KEY_VAULT = SECTION.add(text("keyVault").required()
        .matching("[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]", "a Key Vault name (3 to 24 letters, digits and dashes)")
        .doc("the Key Vault holding the secrets"));
    public static final ConfigOption<String> LINKED_SERVICE = SECTION.add(text("linkedService").required()
        .doc("the Synapse linked service to that vault"));
  }

  /** {@code azure}: the service principal every Azure client signs in as. */
  public static final class Azure {
    static final ConfigSection SECTION = new ConfigSection("azure",
        "A service principal every Azure client of lakesync signs in as, instead of the ambient identity; needed "
            + "inside Synapse for Event Hubs, Cosmos DB and AI Search without keys (see `deploy/azure/README.md`).");
    public static final ConfigOption<String> TENANT_ID = SECTION.add(text("tenantId").required()
        .doc("the Microsoft Entra tenant"));
    public static final ConfigOption<String> CLIENT_ID = SECTION.add(text("clientId").required()
        .doc("the application (client) id"));
    public static final ConfigOption<Secret> CLIENT_SECRET = SECTION.add(secret("clientSecret").required()
        .doc("its client secret, as `${VAR}`"));
  }

  /** {@code source}: the database lakesync captures. */
  public static final class Source {
    static final ConfigSection SECTION = new ConfigSection("source", "The database lakesync captures row changes from.");
    public static final ConfigOption<SourceConfig.Type> TYPE = SECTION.add(choice("type", SourceConfig.Type.class)
        .required().doc("source database kind"));
    public static final ConfigOption<String> HOST = SECTION.add(text("host").required().doc("database host"));
    public static final ConfigOption<Integer> PORT = SECTION.add(integer("port", 1, 65535)
        .defaultText("the type's default port").doc("database port"));
    public static final ConfigOption<String> DATABASE = SECTION.add(text("database").required()
        .doc("database to capture from"));
    public static final ConfigOption<String> USER = SECTION.add(text("user").required()
        .doc("a user allowed to replicate"));
    public static final ConfigOption<Secret> PASSWORD = SECTION.add(secret("password").required()
        .doc("its password, as `${VAR}`"));
    public static final ConfigOption<String> SLOT_NAME = SECTION.add(text("slotName").defaultValue("lakesync")
        .matching("[a-z0-9_]{1,63}", "lower-case letters, digits and underscores (a PostgreSQL slot name)")
        .doc("PostgreSQL replication slot"));
    public static final ConfigOption<String> PUBLICATION = SECTION.add(text("publication").defaultValue("lakesync")
        .doc("PostgreSQL publication"));
    public static final ConfigOption<URI> OFFSETS_URL = SECTION.add(serviceUrl("offsetsUrl")
        .defaultText("a file under `workDir/cdc/`; with an `abfss://` lake `<lake>/_state/cdc-connector/<name>-offsets.dat`")
        .doc("capture offsets as a blob, `https://account.blob.core.windows.net/container/path`"));
    public static final ConfigOption<Map<String, String>> DEBEZIUM = SECTION.add(properties("debezium")
        .doc("raw Debezium connector properties, applied last"));
  }

  /** {@code broker}: Kafka or Event Hubs. */
  public static final class Broker {
    static final ConfigSection SECTION = new ConfigSection("broker",
        "Where change events travel: a Kafka broker, or Event Hubs over its Kafka endpoint.");
    public static final ConfigOption<BrokerConfig.Type> TYPE = SECTION.add(choice("type", BrokerConfig.Type.class)
        .defaultValue(BrokerConfig.Type.KAFKA).doc("broker kind"));
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = SECTION.add(text("bootstrapServers").required()
        .valid(BrokerConfig::validServers, "host:port[,host:port...]")
        .doc("Event Hubs: `NAMESPACE.servicebus.windows.net:9093`"));
    public static final ConfigOption<String> TOPIC_PREFIX = SECTION.add(text("topicPrefix").defaultValue("lakesync")
        .matching("[A-Za-z0-9._-]{1,200}", "letters, digits, '.', '_' or '-'")
        .doc("topics are `<prefix>.<schema>.<table>`"));
    public static final ConfigOption<BrokerConfig.TopicRouting> TOPIC_ROUTING = SECTION.add(
        choice("topicRouting", BrokerConfig.TopicRouting.class).defaultValue(BrokerConfig.TopicRouting.PER_TABLE)
            .doc("`single-topic` sends every table to `routedTopic` (Event Hubs tiers cap the number of event hubs)"));
    public static final ConfigOption<String> ROUTED_TOPIC = SECTION.add(text("routedTopic")
        .defaultText("`<prefix>.changes`").doc("the one topic of `single-topic` routing"));
    public static final ConfigOption<BrokerConfig.Auth> AUTH = SECTION.add(choice("auth", BrokerConfig.Auth.class)
        .defaultText("`none` for kafka, `azure-identity` for eventhubs").doc("how clients sign in"));
    public static final ConfigOption<Secret> CONNECTION_STRING = SECTION.add(secret("connectionString")
        .defaultText("required with `connection-string`").doc("`${EVENTHUBS_CONNECTION_STRING}`"));
    public static final ConfigOption<Integer> PARTITIONS = SECTION.add(integer("partitions", 1, 1024).defaultValue(1)
        .doc("partitions of the topics lakesync creates (Kafka only)"));
    public static final ConfigOption<Map<String, String>> KAFKA = SECTION.add(properties("kafka")
        .doc("raw Kafka client properties, applied last"));
  }

  /** {@code lake}: the Delta lake. */
  public static final class Lake {
    static final ConfigSection SECTION = new ConfigSection("lake",
        "Where the Delta lake lives. Layout under the root: `landing/<schema>/<table>`, `quarantine/<schema>/<table>`, "
            + "`validated/<schema>/<table>`, `_checkpoints/<stage>/...`, `_state/<stage>/...` ([lake.md](lake.md)).");
    public static final ConfigOption<String> ROOT = SECTION.add(text("root").required()
        .doc("a local path, `file://`, or `abfss://container@account.dfs.core.windows.net/path`"));
    public static final ConfigOption<Map<String, String>> SPARK = SECTION.add(properties("spark")
        .doc("raw Spark settings for every Spark job"));
    public static final ConfigOption<Duration> OPTIMIZE_INTERVAL = SECTION.add(duration("optimizeInterval")
        .defaultValue(Duration.ofHours(1), "`1h`")
        .doc("how often the stream-processor compacts each validated table (OPTIMIZE); `0s` turns it off"));
    public static final ConfigOption<Integer> OPTIMIZE_MIN_FILES = SECTION.add(integer("optimizeMinFiles", 1, 1_000_000)
        .defaultValue(10).doc("the fewest files a validated table must have for that compaction to rewrite it"));
    public static final ConfigOption<Boolean> DELETION_VECTORS = SECTION.add(bool("deletionVectors").defaultValue(false)
        .doc("validated tables created from now on mark updated and deleted rows in deletion vectors instead of "
            + "rewriting the files they are in: for large tables whose updates spread over many files; small, busy "
            + "tables MERGE faster without; readers need Delta Lake 2.3 or later"));
  }

  /** {@code tables[].rules[]}: validation rules. */
  public static final class Rule {
    static final ConfigSection SECTION = new ConfigSection("rule",
        "A data-quality or business rule: a Spark SQL boolean expression that valid rows satisfy.");
    public static final ConfigOption<String> NAME = SECTION.add(text("name").required()
        .matching("[A-Za-z][A-Za-z0-9_]{0,63}", "a letter then letters, digits or underscores")
        .doc("the reason a quarantined row carries"));
    public static final ConfigOption<String> EXPR = SECTION.add(text("expr").required()
        .doc("Spark SQL boolean expression over the row's columns"));
    public static final ConfigOption<RuleConfig.Action> ACTION = SECTION.add(choice("action", RuleConfig.Action.class)
        .defaultValue(RuleConfig.Action.QUARANTINE).doc("what happens to a row that breaks the rule"));
  }

  /** {@code tables[]}: the captured tables. */
  public static final class Table {
    static final ConfigSection SECTION = new ConfigSection("table", "A captured source table.");
    public static final ConfigOption<String> NAME = SECTION.add(text("name").required()
        .valid(TableConfig::validName, "schema.table made of " + LETTERS_DIGITS_UNDERSCORES)
        .doc("`schema.table`"));
    public static final ConfigOption<List<String>> KEY = SECTION.add(list("key", "columns")
        .defaultText("required unless `appendOnly`")
        .doc("primary key (MERGE key); a source table without one needs `REPLICA IDENTITY FULL`"));
    public static final ConfigOption<Boolean> APPEND_ONLY = SECTION.add(bool("appendOnly").defaultValue(false)
        .doc("an insert-only table (history, audit, events): inserts are appended, no MERGE; an update, delete or "
            + "truncate of it is quarantined with its reason"));
    public static final ConfigOption<List<ConfigNode>> RULES = SECTION.add(sectionList("rules", Rule.SECTION)
        .doc("validation rules, below"));
  }

  /** {@code warehouse.models.<name>.lookups[]}: a fact's dimension lookups. */
  public static final class ModelLookup {
    static final ConfigSection SECTION = new ConfigSection("fact lookup",
        "A dimension a fact looks up: stores the dimension's surrogate key and the taken columns in the fact. A later "
            + "lookup may match on a column an earlier one took. A type 2 dimension gives the version whose interval "
            + "holds the fact's `time`, or its first version when none does.");
    public static final ConfigOption<String> DIMENSION = SECTION.add(text("dimension").required()
        .doc("a dimension declared before the fact"));
    public static final ConfigOption<List<String>> MATCH = SECTION.add(list("match", "fact columns")
        .required(": the fact columns that match the dimension's key")
        .doc("the fact columns, in the order of the dimension's key"));
    public static final ConfigOption<List<String>> TAKE = SECTION.add(list("take", "dimension columns")
        .doc("dimension columns copied into the fact"));
  }

  /** {@code warehouse.models.<name>}: a declared dimension, fact or aggregate. */
  public static final class Model {
    static final ConfigSection SECTION = new ConfigSection("model",
        "A warehouse table lakesync keeps: a dimension, a fact or an aggregate ([warehouse-models.md](warehouse-models.md)).");
    public static final ConfigOption<WarehouseModel.Kind> KIND = SECTION.add(choice("kind", WarehouseModel.Kind.class)
        .required().doc("what the model is"));
    public static final ConfigOption<String> FROM = SECTION.add(text("from").required()
        .doc("dimension, fact: a `schema.table` under `tables:`; aggregate: a fact declared before"));
    public static final ConfigOption<Map<String, String>> KEY = SECTION.add(names("key")
        .defaultText("required for dimension, fact").doc("the natural key (a fact: its grain)"));
    public static final ConfigOption<Map<String, String>> COLUMNS = SECTION.add(names("columns")
        .defaultText("every lake column but the metadata and key columns").doc("dimension, fact: the value columns"));
    public static final ConfigOption<String> SURROGATE_KEY = SECTION.add(text("surrogateKey").defaultText("none; required for `type2`")
        .doc("dimension: a column the warehouse numbers for each row (type 2: each version)"));
    public static final ConfigOption<WarehouseModel.History> HISTORY = SECTION.add(
        choice("history", WarehouseModel.History.class).defaultValue(WarehouseModel.History.TYPE1)
            .doc("dimension: `type1` overwrites a row; `type2` keeps a version per change of `tracked` "
                + "(`valid_from`, `valid_to`, `is_current`)"));
    public static final ConfigOption<List<String>> TRACKED = SECTION.add(list("tracked", "columns")
        .defaultText("every column").doc("type 2 dimension: the columns whose change opens a version"));
    public static final ConfigOption<String> VALID_FROM = SECTION.add(text("validFrom")
        .defaultText("the change's source time").doc("type 2 dimension: when a row's first version starts (an expression)"));
    public static final ConfigOption<String> TIME = SECTION.add(text("time")
        .defaultText("required with a type 2 lookup").doc("fact: the column whose time picks a type 2 dimension's version"));
    public static final ConfigOption<List<ConfigNode>> LOOKUPS = SECTION.add(sectionList("lookups", ModelLookup.SECTION)
        .doc("fact: dimensions to look up, below"));
    public static final ConfigOption<Map<String, String>> GROUP_BY = SECTION.add(names("groupBy")
        .defaultText("required unless `measures`")
        .doc("aggregate: output column to a fact column, or `dimension.column` of a dimension the fact looks up"));
    public static final ConfigOption<Map<String, String>> MEASURES = SECTION.add(names("measures")
        .doc("aggregate: output column to `count(*)`, `count(c)`, `sum(c)`, `avg(c)`, `min(c)` or `max(c)` of a fact column"));
    public static final ConfigOption<String> INCREMENTAL_BY = SECTION.add(text("incrementalBy")
        .defaultText("the whole aggregate is recomputed")
        .doc("aggregate: a `groupBy` column from the fact itself; a load recomputes only the groups its facts touch"));
  }

  /** {@code warehouse}: the SQL warehouse. */
  public static final class Warehouse {
    static final ConfigSection SECTION = new ConfigSection("warehouse",
        "The SQL warehouse warehouse-loader fills: a local PostgreSQL, a Synapse dedicated SQL pool, or SQL Server.");
    public static final ConfigOption<WarehouseConfig.Type> TYPE = SECTION.add(choice("type", WarehouseConfig.Type.class)
        .required().doc("warehouse dialect"));
    public static final ConfigOption<String> JDBC_URL = SECTION.add(text("jdbcUrl").required()
        .doc("`jdbc:postgresql://...` or `jdbc:sqlserver://...`"));
    public static final ConfigOption<String> USER = SECTION.add(text("user").doc("omit for managed identity"));
    public static final ConfigOption<Secret> PASSWORD = SECTION.add(secret("password").doc("omit for managed identity"));
    public static final ConfigOption<String> SCHEMA = SECTION.add(text("schema").defaultValue("dw")
        .valid(Identifiers::isValid, LETTERS_DIGITS_UNDERSCORES).doc("the schema lakesync's tables go to"));
    public static final ConfigOption<URI> STAGING_URI = SECTION.add(url("stagingUri", "abfss", "abfs", "https")
        .defaultText("required for `synapse`")
        .doc("Parquet staging for `COPY INTO`, `abfss://<container>@<account>.dfs.core.windows.net/<path>`; each "
            + "load's folder is deleted after it"));
    public static final ConfigOption<Map<String, ConfigNode>> MODELS = SECTION.add(namedSections("models", Model.SECTION)
        .doc("the declared models, by table name, below"));
  }

  /** {@code serving.local}: the local document store. */
  public static final class LocalStore {
    static final ConfigSection SECTION = new ConfigSection("local store",
        "The local stand-in for Cosmos DB and AI Search: a PostgreSQL database for documents and full-text search.");
    public static final ConfigOption<String> JDBC_URL = SECTION.add(text("jdbcUrl").required()
        .doc("`jdbc:postgresql://...`"));
    public static final ConfigOption<String> USER = SECTION.add(text("user").doc("database user"));
    public static final ConfigOption<Secret> PASSWORD = SECTION.add(secret("password").doc("its password"));
  }

  /** {@code serving.cosmos}: Azure Cosmos DB for NoSQL. */
  public static final class Cosmos {
    static final ConfigSection SECTION = new ConfigSection("cosmos", "Azure Cosmos DB for NoSQL.");
    public static final ConfigOption<URI> ENDPOINT = SECTION.add(serviceUrl("endpoint").required()
        .doc("the account endpoint"));
    public static final ConfigOption<String> DATABASE = SECTION.add(text("database").required()
        .doc("the database holding the containers"));
    public static final ConfigOption<Map<String, String>> CONTAINERS = SECTION.add(names("containers")
        .defaultText("the type's name").doc("`{type: container}`"));
    public static final ConfigOption<Secret> KEY = SECTION.add(secret("key").defaultText("Azure identity")
        .doc("account key; omit to sign in with Azure identity"));
    public static final ConfigOption<String> CONNECTION_MODE = SECTION.add(text("connectionMode").defaultValue("direct")
        .matching("direct|gateway", "direct or gateway")
        .doc("`direct` (TCP to the replicas) or `gateway` (HTTPS through the account endpoint)"));
  }

  /** {@code serving.search}: Azure AI Search. */
  public static final class Search {
    static final ConfigSection SECTION = new ConfigSection("search", "Azure AI Search.");
    public static final ConfigOption<URI> ENDPOINT = SECTION.add(serviceUrl("endpoint").required()
        .doc("the service endpoint"));
    public static final ConfigOption<Map<String, String>> INDEXES = SECTION.add(names("indexes")
        .defaultText("the type's name, dashes for underscores").doc("`{type: index}`"));
    public static final ConfigOption<Secret> API_KEY = SECTION.add(secret("apiKey").defaultText("Azure identity")
        .doc("admin API key; omit to sign in with Azure identity"));
  }

  /** {@code lookups[]} of a document or a child: many-to-one parents. */
  public static final class DocumentLookup {
    static final ConfigSection SECTION = new ConfigSection("document lookup",
        "Columns of a parent table (many-to-one) added to the row before the fields are computed. A later lookup may "
            + "match on a column an earlier one took.");
    public static final ConfigOption<String> TABLE = SECTION.add(text("table").required()
        .doc("the parent, a `schema.table` under `tables:`"));
    public static final ConfigOption<Map<String, String>> MATCH = SECTION.add(names("match")
        .required(": the parent's key columns and the columns they equal, e.g. {id: account_id}")
        .doc("`{parent_column: our_column}` over the parent's whole key"));
    public static final ConfigOption<Map<String, String>> TAKE = SECTION.add(names("take")
        .required(": the parent's columns to add, e.g. [customer_id]").doc("the parent's columns to add"));
  }

  /** {@code serving.documents.<type>.children.<name>}: one-to-many arrays. */
  public static final class Child {
    static final ConfigSection SECTION = new ConfigSection("document child",
        "An array of the rows of a child table whose foreign key points at the root row, and aggregates over them.");
    public static final ConfigOption<String> TABLE = SECTION.add(text("table").required()
        .doc("a table whose rows point at the root row"));
    public static final ConfigOption<Map<String, String>> MATCH = SECTION.add(names("match")
        .required(": the child's columns and the root columns they point at, e.g. {customer_id: id}")
        .doc("`{child_column: root_column}`: the child's foreign key"));
    public static final ConfigOption<List<ConfigNode>> LOOKUPS = SECTION.add(sectionList("lookups", DocumentLookup.SECTION)
        .doc("parents of the child's rows"));
    public static final ConfigOption<Map<String, Object>> FIELDS = SECTION.add(tree("fields")
        .defaultText("every column of the child").doc("each element's fields"));
    public static final ConfigOption<String> ORDER_BY = SECTION.add(text("orderBy").defaultText("unordered")
        .doc("a Spark SQL `ORDER BY` list over the child's columns"));
    public static final ConfigOption<Integer> LIMIT = SECTION.add(integer("limit", 1, 10_000).defaultText("all")
        .doc("keep the first N elements in `orderBy` (which it needs)"));
    public static final ConfigOption<Map<String, String>> AGGREGATES = SECTION.add(names("aggregates")
        .doc("name to an aggregate over all the root row's children (not only the kept ones), e.g. `count(*)`; "
            + "NULL when there is none"));
  }

  /** {@code serving.documents.<type>.search.<field>}: a search index field. */
  public static final class SearchField {
    static final ConfigSection SECTION = new ConfigSection("search field",
        "A field of the document type's search index and what the index may do with it.");
    public static final ConfigOption<String> VALUE = SECTION.add(text("value").defaultText("the field of the same name")
        .doc("an expression over the document's fields (`profile.name`; `accounts.balance` gives a list)"));
    public static final ConfigOption<Boolean> SEARCHABLE = SECTION.add(bool("searchable").defaultValue(false)
        .doc("full-text searchable"));
    public static final ConfigOption<Boolean> FILTERABLE = SECTION.add(bool("filterable").defaultValue(false)
        .doc("usable in filters"));
    public static final ConfigOption<Boolean> FACETABLE = SECTION.add(bool("facetable").defaultValue(false)
        .doc("usable in facets"));
    public static final ConfigOption<Boolean> SORTABLE = SECTION.add(bool("sortable").defaultValue(false)
        .doc("usable in ordering"));
  }

  /** {@code serving.documents.<type>}: a declared document type. */
  public static final class Document {
    static final ConfigSection SECTION = new ConfigSection("document",
        "A document type serving-sync builds from a table ([serving-documents.md](serving-documents.md)).");
    public static final ConfigOption<String> TABLE = SECTION.add(text("table").required()
        .doc("a `schema.table` under `tables:`; one document per live row"));
    public static final ConfigOption<String> ID = SECTION.add(text("id")
        .defaultText("the key; a key of several columns joined with `:`")
        .doc("an expression over the key columns giving the document id (text)"));
    public static final ConfigOption<String> PARTITION_KEY = SECTION.add(text("partitionKey").defaultValue("id")
        .doc("the top-level text field whose value partitions the document (Cosmos DB path `/<field>`)"));
    public static final ConfigOption<List<ConfigNode>> LOOKUPS = SECTION.add(sectionList("lookups", DocumentLookup.SECTION)
        .doc("parents of the row, below"));
    public static final ConfigOption<Map<String, Object>> FIELDS = SECTION.add(tree("fields")
        .defaultText("every column, looked-up column, child array and aggregate")
        .doc("document field to an expression over the row, lookups, children and aggregates; a mapping nests"));
    public static final ConfigOption<Map<String, ConfigNode>> CHILDREN = SECTION.add(namedSections("children", Child.SECTION)
        .doc("one-to-many arrays, by name, below"));
    public static final ConfigOption<Map<String, ConfigNode>> SEARCH = SECTION.add(namedSections("search", SearchField.SECTION)
        .doc("the search index's fields, by name, below"));
  }

  /** {@code serving}: the document stores. */
  public static final class Serving {
    static final ConfigSection SECTION = new ConfigSection("serving",
        "The documents serving-sync builds and the stores it writes them to; each named sink needs its section.");
    public static final ConfigOption<List<String>> SINKS = SECTION.add(list("sinks", "`local`, `cosmos`, `search`")
        .required(" (a list of: " + ConfigNode.choices(ServingConfig.Sink.class) + ")").doc("where documents go"));
    public static final ConfigOption<Optional<ConfigNode>> LOCAL = SECTION.add(section("local", LocalStore.SECTION)
        .defaultText("required with sink `local`").doc("the local store, below"));
    public static final ConfigOption<Optional<ConfigNode>> COSMOS = SECTION.add(section("cosmos", Cosmos.SECTION)
        .defaultText("required with sink `cosmos`").doc("Cosmos DB, below"));
    public static final ConfigOption<Optional<ConfigNode>> SEARCH = SECTION.add(section("search", Search.SECTION)
        .defaultText("required with sink `search`").doc("AI Search, below"));
    public static final ConfigOption<Map<String, ConfigNode>> DOCUMENTS = SECTION.add(namedSections("documents",
        Document.SECTION).doc("the declared document types, by name, below"));
  }

  /** {@code localStack}: settings only the embedded stack reads. */
  public static final class LocalStack {
    static final ConfigSection SECTION = new ConfigSection("localStack",
        "Read only by the embedded local stack (`lakesync stack`, `lakesync demo`); the stages leave it alone.");
    public static final ConfigOption<Integer> KAFKA_CONTROLLER_PORT = SECTION.add(integer("kafkaControllerPort", 1, 65535)
        .defaultText("the broker's port + 1").doc("the embedded broker's controller port"));
    public static final ConfigOption<String> SEED = SECTION.add(text("seed").defaultValue("bank")
        .matching("bank|none|.+\\.sql", "bank, none or the path of a .sql file")
        .doc("what the source is seeded with on first start: the demo bank, nothing, or a SQL file"));
    public static final ConfigOption<Integer> CUSTOMERS = SECTION.add(integer("customers", 1, 10_000_000)
        .defaultValue(1_000).doc("demo bank: customers"));
    public static final ConfigOption<Integer> ACCOUNTS_PER_CUSTOMER = SECTION.add(integer("accountsPerCustomer", 1, 100)
        .defaultValue(2).doc("demo bank: accounts per customer"));
    public static final ConfigOption<Integer> PAYMENTS = SECTION.add(integer("payments", 0, 100_000_000)
        .defaultValue(20_000).doc("demo bank: payments"));
  }

  /** The top level of the file. */
  public static final class Root {
    static final ConfigSection SECTION = new ConfigSection("top level", "One YAML file describes a whole pipeline.");
    public static final ConfigOption<String> NAME = SECTION.add(text("name").defaultValue("lakesync")
        .matching("[A-Za-z0-9_-]{1,64}", "letters, digits, '_' or '-'").doc("pipeline name"));
    public static final ConfigOption<String> WORK_DIR = SECTION.add(text("workDir").defaultValue(".lakesync")
        .doc("local state: embedded servers' data, offsets, schema history"));
    public static final ConfigOption<Optional<ConfigNode>> SOURCE = SECTION.add(section("source", Source.SECTION)
        .required().doc("the database to capture"));
    public static final ConfigOption<Optional<ConfigNode>> BROKER = SECTION.add(section("broker", Broker.SECTION)
        .required().doc("Kafka or Event Hubs"));
    public static final ConfigOption<Optional<ConfigNode>> LAKE = SECTION.add(section("lake", Lake.SECTION)
        .required().doc("the Delta lake"));
    public static final ConfigOption<List<ConfigNode>> TABLES = SECTION.add(sectionList("tables", Table.SECTION)
        .required(" (at least one table to capture)").doc("the captured tables"));
    public static final ConfigOption<Optional<ConfigNode>> WAREHOUSE = SECTION.add(section("warehouse", Warehouse.SECTION)
        .doc("the SQL warehouse and its models; needed by the warehouse stage"));
    public static final ConfigOption<Optional<ConfigNode>> SERVING = SECTION.add(section("serving", Serving.SECTION)
        .doc("document stores and types; needed by the serving stage"));
    public static final ConfigOption<Optional<ConfigNode>> AZURE = SECTION.add(section("azure", Azure.SECTION)
        .doc("a service principal for Azure clients"));
    public static final ConfigOption<Optional<ConfigNode>> SECRETS = SECTION.add(section("secrets", Secrets.SECTION)
        .doc("Key Vault for `${VAR}` inside Synapse"));
    public static final ConfigOption<Optional<ConfigNode>> LOCAL_STACK = SECTION.add(section("localStack", LocalStack.SECTION)
        .doc("the embedded stack's own settings"));
  }

  /** The top-level section, which every other section hangs from. */
  public static ConfigSection root() {
    return Root.SECTION;
  }
}
