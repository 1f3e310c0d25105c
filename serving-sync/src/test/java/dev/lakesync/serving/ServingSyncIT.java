package dev.lakesync.serving;

import static dev.lakesync.lake.ValidatedTables.T0;
import static dev.lakesync.lake.ValidatedTables.account;
import static dev.lakesync.lake.ValidatedTables.customer;
import static dev.lakesync.lake.ValidatedTables.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.DemoPipeline;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.lake.ValidatedTables;
import dev.lakesync.serving.sinks.Document;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.FakeCosmosGateway;
import dev.lakesync.serving.sinks.FakeSearchService;
import dev.lakesync.serving.sinks.LocalDocumentStore;
import dev.lakesync.serving.sinks.SearchQuery;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real validated Delta tables (written the way the stream-processor writes them) synced into the real local stand-in
 * (PostgreSQL JSONB + full-text). The tests build one story in order; each expected document is written out here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingSyncIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMER = "customer";
  private static final String ACCOUNT = "account";

  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;
  private static SparkSession spark;
  private static PipelineConfig config;
  private static ValidatedTables lake;
  private static LocalDocumentStore store;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, {name: bank.payments, key: [id]}]",
        "serving:",
        "  sinks: [local]",
        "  local: {jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres', user: postgres}",
        DemoPipeline.block(Path.of(".."), "serving", "documents")));
    config = new PipelineConfigLoader(name -> null).load(file);
    spark = SparkSessions.create(config, "lakesync-serving-it");
    lake = new ValidatedTables(spark, new LakePaths(config.lake().root()));
    store = LocalDocumentStore.open(config.serving().orElseThrow().local().orElseThrow());
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (spark != null) {
      spark.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @Order(1)
  void firstSyncBuildsEveryCustomersDocument() throws Exception {
    assertThat(sync()).contains("serving: waiting for bank.customers, bank.accounts, bank.payments to appear in the "
        + "lake");

    lake.customers("r", T0, customer(1, "Ada Lovelace", "ada@analytical.org", "premium"),
        customer(2, "Bo Diddley", "bo@beat.com", "retail"));
    lake.accounts("r", T0, account(10, 1, "100.00"), account(11, 1, "5.50"), account(20, 2, "200.00"));
    List<org.apache.spark.sql.Row> payments = new ArrayList<>();
    for (int i = 0; i < 25; i++) { // more than the 20 a document keeps
      payments.add(payment(100 + i, 10, "1." + String.format("%02d", i), "EUR",
          String.format("2026-11-02T10:%02d:00Z", i)));
    }
    lake.payments("r", T0, payments.toArray(new org.apache.spark.sql.Row[0]));

    assertThat(sync()).contains("serving: rebuilt 2 documents", "local: upserted=2 deleted=0 skipped_older=0");
    JsonNode ada = document(1);
    assertThat(ada.get("id").asText()).isEqualTo("1");
    assertThat(ada.get("customerId").asText()).isEqualTo("1");
    assertThat(ada.get("profile").get("name").asText()).isEqualTo("Ada Lovelace");
    assertThat(ada.get("profile").get("segment").asText()).isEqualTo("premium");
    assertThat(ada.get("accounts")).hasSize(2);
    assertThat(ada.get("accounts").get(0).get("id").asLong()).isEqualTo(10);
    assertThat(ada.get("accounts").get(0).get("balance").decimalValue()).isEqualByComparingTo("100.00");
    assertThat(ada.get("accounts").get(1).get("balance").decimalValue()).isEqualByComparingTo("5.50");
    assertThat(ada.get("currencies").toString()).isEqualTo("[\"EUR\"]");
    // The newest 20 of 25 payments, newest first: 124 down to 105.
    assertThat(ada.get("latestPayments")).hasSize(20);
    assertThat(ada.get("latestPayments").get(0).get("id").asLong()).isEqualTo(124);
    assertThat(ada.get("latestPayments").get(19).get("id").asLong()).isEqualTo(105);
    assertThat(ada.get("latestPayments").get(0).get("createdAt").asText()).isEqualTo("2026-11-02T10:24:00.000Z");
    assertThat(ada.get("aggregates").get("lastPaymentAt").asText()).isEqualTo("2026-11-02T10:24:00.000Z");
    assertThat(ada.get("merchants").toString()).isEqualTo("[\"Shop\"]");
    JsonNode bo = document(2);
    assertThat(bo.get("accounts")).hasSize(1);
    assertThat(bo.get("latestPayments")).isEmpty();
    assertThat(bo.get("aggregates").get("lastPaymentAt").isNull()).isTrue();
    assertThat(bo.get("aggregates").get("paymentsThisMonth").asLong()).isZero();
    // Every document of a sync carries the newest position of the versions read (the payments' last one here).
    assertThat(ada.get("sourcePos").asText()).isEqualTo(bo.get("sourcePos").asText()).isNotEmpty();

    assertThat(sync()).contains("serving: nothing new");
  }

  @Test
  @Order(2)
  void changesToEachTableRebuildOnlyTheirCustomersDocument() throws Exception {
    String boBefore = store.get(CUSTOMER, "2", "2").orElseThrow();

    lake.customers("u", "2026-11-03T08:00:00Z", customer(1, "Ada King", "ada@analytical.org", "private"));
    assertThat(sync()).contains("serving: synced 1 documents");
    assertThat(document(1).get("profile").get("name").asText()).isEqualTo("Ada King");
    assertThat(document(1).get("profile").get("segment").asText()).isEqualTo("private");
    assertThat(store.get(CUSTOMER, "2", "2")).contains(boBefore);

    lake.accounts("u", "2026-11-03T09:00:00Z", account(20, 2, "250.75"));
    assertThat(sync()).contains("serving: synced 1 documents");
    assertThat(document(2).get("accounts").get(0).get("balance").decimalValue()).isEqualByComparingTo("250.75");

    // A payment to Bo from a new merchant: his document shows it, and search finds him by the merchant.
    lake.payments("c", "2026-11-04T12:00:00Z", org.apache.spark.sql.RowFactory.create(300L, 20L,
        new java.math.BigDecimal("42.00"), "EUR", "Zanzibar Coffee Roasters", "booked",
        ValidatedTables.ts("2026-11-04T12:00:00Z")));
    assertThat(sync()).contains("serving: synced 1 documents");
    assertThat(document(2).get("latestPayments").get(0).get("merchant").asText()).isEqualTo("Zanzibar Coffee Roasters");
    assertThat(ids(store.search(SearchQuery.text(CUSTOMER, "zanzibar")))).containsExactly("2");
    assertThat(ids(store.search(SearchQuery.text(CUSTOMER, "roast")))).containsExactly("2");
    assertThat(ids(store.search(SearchQuery.text(CUSTOMER, "ada king")))).containsExactly("1");
    assertThat(ids(store.search(SearchQuery.text(CUSTOMER, "analytical")))).containsExactly("1");
    assertThat(ids(store.search(new SearchQuery(CUSTOMER, "", Map.of("segment", "retail", "currencies", "EUR",
        "balances", "250.75"), 10)))).containsExactly("2");
    assertThat(ids(store.search(new SearchQuery(CUSTOMER, "", Map.of("segment", "retail", "balances", "251"), 10))))
        .isEmpty();

    // A deleted payment leaves the list; a deleted account leaves the accounts.
    lake.payments("d", "2026-11-04T13:00:00Z", org.apache.spark.sql.RowFactory.create(300L, 20L,
        new java.math.BigDecimal("42.00"), "EUR", "Zanzibar Coffee Roasters", "booked",
        ValidatedTables.ts("2026-11-04T12:00:00Z")));
    lake.accounts("d", "2026-11-04T13:00:00Z", account(11, 1, "5.50"));
    assertThat(sync()).contains("serving: synced 2 documents");
    assertThat(document(2).get("latestPayments")).isEmpty();
    assertThat(store.search(SearchQuery.text(CUSTOMER, "zanzibar"))).isEmpty();
    assertThat(document(1).get("accounts")).hasSize(1);

    // An account moving to another customer changes both documents.
    lake.accounts("u", "2026-11-04T14:00:00Z", account(10, 2, "100.00"));
    assertThat(sync()).contains("serving: synced 2 documents");
    assertThat(document(1).get("accounts")).isEmpty();
    assertThat(document(1).get("latestPayments")).isEmpty();
    assertThat(document(2).get("accounts")).hasSize(2);
    assertThat(document(2).get("latestPayments")).hasSize(20);
    // Incremental syncs find their sourcePos from the saved one and the changes since: still the newest position of
    // the three tables, read here straight from them.
    assertThat(document(2).get("sourcePos").asText()).isEqualTo(newestPositionInTheLake());
    assertThat(Files.readString(dir.resolve("lake/_state/serving-sync/progress-local.properties")))
        .contains("_source_pos=" + newestPositionInTheLake());
  }

  private static String newestPositionInTheLake() {
    LakePaths paths = new LakePaths(config.lake().root());
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> all = null;
    for (String table : List.of("customers", "accounts", "payments")) {
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> positions = spark.read().format("delta")
          .load(paths.validated("bank", table)).select("_source_pos");
      all = all == null ? positions : all.union(positions);
    }
    return all.agg(org.apache.spark.sql.functions.max("_source_pos")).first().getString(0);
  }

  @Test
  @Order(3)
  void aDeletedCustomerDeletesTheDocumentAndOlderWritesCannotBringItBack() throws Exception {
    String adaBefore = store.get(CUSTOMER, "1", "1").orElseThrow();
    lake.customers("d", "2026-11-05T08:00:00Z", customer(1, "Ada King", "ada@analytical.org", "private"));
    assertThat(sync()).contains("serving: synced 1 documents", "local: upserted=0 deleted=1");
    assertThat(store.get(CUSTOMER, "1", "1")).isEmpty();
    assertThat(store.search(SearchQuery.text(CUSTOMER, "ada"))).isEmpty();

    // A replay of the old document (an overlapping run that read older versions) is declined.
    String oldPos = JSON.readTree(adaBefore).get("sourcePos").asText();
    try (LocalDocumentStore writer = LocalDocumentStore.open(config.serving().orElseThrow().local().orElseThrow(),
        List.of(new DocumentType(CUSTOMER, List.of(), "customerId", List.of())))) {
      assertThat(writer.write(List.of(Document.upsert(CUSTOMER, "1", "1", oldPos, adaBefore, "{}"))))
          .hasToString("upserted=0 deleted=0 skipped_older=1 retries=0 ru=0.0");
    }
    assertThat(store.get(CUSTOMER, "1", "1")).isEmpty();
  }

  @Test
  @Order(4)
  void aCrashAfterTheWritesBeforeTheSavedProgressConvergesOnRerun() throws Exception {
    lake.customers("c", "2026-11-06T08:00:00Z", customer(3, "Cy Twombly", "cy@paint.net", "business"));
    lake.customers("u", "2026-11-06T08:01:00Z", customer(2, "Bo Diddley", "bo@beat.com", "premium"));
    ServingSync crashing = new ServingSync(config, spark, new PrintStream(new ByteArrayOutputStream(), true))
        .beforeSave(() -> {
          throw new IllegalStateException("injected crash before saving progress");
        });
    assertThatThrownBy(crashing::syncOnce).hasMessageContaining("injected crash");
    // The writes landed, the progress did not: the rerun sends the same two documents again, harmlessly.
    assertThat(document(3).get("profile").get("name").asText()).isEqualTo("Cy Twombly");
    assertThat(sync()).contains("serving: synced 2 documents", "local: upserted=2");
    assertThat(document(2).get("profile").get("segment").asText()).isEqualTo("premium");
    assertThat(sync()).contains("serving: nothing new");
    assertThat(store.count(CUSTOMER)).isEqualTo(2);

    // Losing the progress altogether rebuilds every customer to the same documents.
    String bo = store.get(CUSTOMER, "2", "2").orElseThrow();
    Files.delete(dir.resolve("lake/_state/serving-sync/progress-local.properties"));
    assertThat(sync()).contains("serving: rebuilt 3 documents", "local: upserted=2 deleted=1");
    assertThat(store.get(CUSTOMER, "2", "2")).contains(bo);
  }

  @Test
  @Order(5)
  void theAzureSinksRunInsideTheSparkJvmAndReceiveTheSameDocuments() throws Exception {
    // The SDKs come relocated in the sinks' jar: Spark (Jackson 2.15) and the SDKs (Jackson 2.18) share this JVM.
    try (FakeCosmosGateway cosmos = new FakeCosmosGateway(); FakeSearchService search = new FakeSearchService()) {
      Path file = dir.resolve("pipeline-azure.yaml");
      Files.writeString(file, Files.readString(dir.resolve("pipeline.yaml")).replace("  sinks: [local]\n", String.join("\n",
          "  sinks: [local, cosmos, search]",
          "  cosmos: {endpoint: '" + cosmos.endpoint() + "', database: bank, containers: {customer: customers},",
          "           key: '${COSMOS_KEY}',",
          "           connectionMode: gateway}",
          "  search: {endpoint: '" + search.endpoint() + "', indexes: {customer: customers}, apiKey: '${SEARCH_KEY}'}",
          "")));
      PipelineConfig azure = new PipelineConfigLoader(name -> name.equals("COSMOS_KEY") ? FakeCosmosGateway.KEY
          : name.equals("SEARCH_KEY") ? FakeSearchService.API_KEY : null).load(file);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ServingSync sync = new ServingSync(azure, spark, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
        sync.syncOnce();
      }
      String output = bytes.toString(StandardCharsets.UTF_8);
      // Cosmos and Search are new sinks: everything is rebuilt for all three, local declines nothing newer.
      assertThat(output).contains("serving: rebuilt 3 documents", "cosmos: upserted=2 deleted=0", "search: upserted=2 deleted=1");
      assertThat(cosmos.documents.keySet()).containsExactly("2", "3");
      assertThat(search.documents.keySet()).containsExactly("2", "3");
      for (String id : List.of("2", "3")) {
        JsonNode local = JSON.readTree(store.get(CUSTOMER, id, id).orElseThrow());
        JsonNode inCosmos = cosmos.documents.get(id).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) inCosmos).remove("_etag");
        assertThat(inCosmos).isEqualTo(local);
        assertThat(search.documents.get(id).get("name").asText()).isEqualTo(local.get("profile").get("name").asText());
      }
      assertThat(cosmos.problems).isEmpty();
    }
  }

  /** The bank's config with a second type: every column of an account, its owner's name looked up. */
  private static PipelineConfig withAccounts(String accountDeclaration) throws Exception {
    Path file = dir.resolve("pipeline-accounts.yaml");
    Files.writeString(file, Files.readString(dir.resolve("pipeline.yaml")) + accountDeclaration);
    return new PipelineConfigLoader(name -> null).load(file);
  }

  private static final String ACCOUNT_DOCUMENTS = String.join("\n",
      "    account:",
      "      table: bank.accounts",
      "      lookups: [{table: bank.customers, match: {id: customer_id}, take: {owner: name}}]",
      "      search: {owner: {searchable: true}, balance: {filterable: true, sortable: true}}", "");

  @Test
  @Order(6)
  void aTypeTakingEveryColumnFollowsItsParentsAndAnAddedColumn() throws Exception {
    PipelineConfig two = withAccounts(ACCOUNT_DOCUMENTS);
    // A new type is built whole; the customer documents are up to date and are not sent again.
    assertThat(sync(two)).contains("serving: rebuilt 3 documents", "serving:   account: rebuilt 3")
        .doesNotContain("customer:");
    JsonNode account = document(ACCOUNT, 20);
    assertThat(fieldNames(account)).containsExactly("id", "customer_id", "type", "balance", "currency", "status",
        "updated_at", "owner", "sourcePos");
    assertThat(account.get("owner").asText()).isEqualTo("Bo Diddley");
    assertThat(store.get(ACCOUNT, "11", "11")).isEmpty(); // deleted before this type existed: its tombstone counts

    // A renamed customer changes their document and, through the lookup, every account document they own.
    lake.customers("u", "2026-11-07T08:00:00Z", customer(2, "Bo D. Diddley", "bo@beat.com", "premium"));
    assertThat(sync(two)).contains("serving: synced 3 documents", "account: synced 2", "customer: synced 1");
    assertThat(document(ACCOUNT, 10).get("owner").asText()).isEqualTo("Bo D. Diddley");
    assertThat(document(ACCOUNT, 20).get("owner").asText()).isEqualTo("Bo D. Diddley");
    assertThat(ids(store.search(SearchQuery.text(ACCOUNT, "diddley")))).containsExactlyInAnyOrder("10", "20");

    // A column added at the source: the type taking every column is rebuilt with it; the customer documents name
    // their account fields, so only the changed customer is synced, without the new column.
    lake.addColumn("accounts", "nickname", "STRING");
    lake.set("accounts", 20, "nickname", "'Savings'", "2026-11-07T09:00:00Z");
    assertThat(sync(two)).contains("account: rebuilt 3", "customer: synced 1");
    assertThat(document(ACCOUNT, 20).get("nickname").asText()).isEqualTo("Savings");
    assertThat(document(ACCOUNT, 10).has("nickname")).isTrue();
    assertThat(document(ACCOUNT, 10).get("nickname").isNull()).isTrue();
    assertThat(document(CUSTOMER, 2).get("accounts").get(0).has("nickname")).isFalse();
    assertThat(sync(two)).contains("serving: nothing new");
  }

  @Test
  @Order(7)
  void aDeclarationThatDoesNotWorkOnTheLakeIsAConfigErrorNamingEachKey() throws Exception {
    PipelineConfig broken = withAccounts(String.join("\n",
        "    account:",
        "      table: bank.accounts",
        "      id: concat('a-', customer_id)",
        "      fields: {balance: balance, shadow: no_such_column}",
        "      search: {balance: {searchable: true}}", ""));
    assertThatThrownBy(() -> sync(broken)).isInstanceOf(StageMain.ConfigProblem.class)
        .hasMessageContaining("serving.documents.account.fields.shadow")
        .hasMessageContaining("no_such_column");
    PipelineConfig badIdAndSearch = withAccounts(String.join("\n",
        "    account:",
        "      table: bank.accounts",
        "      id: concat('a-', customer_id)",
        "      fields: {balance: balance, currency: currency}",
        "      search: {balance: {searchable: true}, currency: {value: 'struct(currency)', filterable: true}}", ""));
    assertThatThrownBy(() -> sync(badIdAndSearch)).isInstanceOf(StageMain.ConfigProblem.class)
        .hasMessageContaining("serving.documents.account.id: the id must be computed from the key of bank.accounts "
            + "(id) alone")
        .hasMessageContaining("serving.documents.account.search.balance: search field balance: only text is "
            + "searchable")
        .hasMessageContaining("serving.documents.account.search.currency: 'struct(currency)' is of type "
            + "struct<currency:string>");
    PipelineConfig badSearchExpression = withAccounts(String.join("\n",
        "    account:",
        "      table: bank.accounts",
        "      fields: {balance: balance}",
        "      search: {balance: {filterable: true}, kind: {value: 'upper(no_such_column)', filterable: true}}", ""));
    assertThatThrownBy(() -> sync(badSearchExpression)).isInstanceOf(StageMain.ConfigProblem.class)
        .hasMessageContaining("serving.documents.account.search.kind: ")
        .hasMessageContaining("no_such_column")
        .hasMessageNotContaining("search.balance");
  }

  private static String sync(PipelineConfig pipeline) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long sent;
    try (ServingSync sync = new ServingSync(pipeline, spark, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      sent = sync.syncOnce();
    }
    return bytes.toString(StandardCharsets.UTF_8) + (sent == 0 ? "serving: nothing new" : "");
  }

  private static List<String> fieldNames(JsonNode document) {
    List<String> names = new ArrayList<>();
    document.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** One sync through the same object the entry point uses (the entry point would stop the shared session). */
  private static String sync() throws Exception {
    return sync(config);
  }

  private static JsonNode document(long id) throws Exception {
    return document(CUSTOMER, id);
  }

  private static JsonNode document(String type, long id) throws Exception {
    Optional<String> json = store.get(type, Long.toString(id), Long.toString(id));
    assertThat(json).as("document " + id).isPresent();
    return JSON.readTree(json.get());
  }

  private static List<String> ids(List<String> documents) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String document : documents) {
      ids.add(JSON.readTree(document).get("id").asText());
    }
    return ids;
  }
}
