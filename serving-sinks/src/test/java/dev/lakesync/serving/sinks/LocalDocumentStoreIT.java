package dev.lakesync.serving.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.common.config.ServingConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stand-in on a real PostgreSQL, and the get/search commands reading it. */
class LocalDocumentStoreIT {
  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;
  private static Path configFile;
  private static LocalDocumentStore store;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    configFile = writeConfig("pipeline.yaml", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
    ServingConfig config = new PipelineConfigLoader(name -> null).load(configFile).serving().orElseThrow();
    store = LocalDocumentStore.open(config.local().orElseThrow());
  }

  private static Path writeConfig(String name, String jdbcUrl) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]",
        "serving: {sinks: [local], local: {jdbcUrl: '" + jdbcUrl + "', user: postgres}}", ""));
    return file;
  }

  private static ServingConfig.Local localConfig(String jdbcUrl) throws Exception {
    return new PipelineConfigLoader(name -> null).load(writeConfig("other.yaml", jdbcUrl)).serving().orElseThrow()
        .local().orElseThrow();
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void writesInChunksAndKeepsTheNewestOfDuplicatesInOneCall() throws Exception {
    List<CustomerDocument> documents = new ArrayList<>();
    for (int id = 1000; id < 3500; id++) {
      documents.add(document(id, "Bulk " + id, "Shop", "retail", "00000000000000000010"));
    }
    documents.add(document(1000, "Bulk newest", "Shop", "retail", "00000000000000000011"));
    SinkResult result = store.write(documents);
    assertThat(result.upserted()).isEqualTo(2500);
    assertThat(store.get("1000", "1000").orElseThrow()).contains("Bulk newest");
    assertThat(store.get("1000", "999")).as("wrong partition key").isEmpty();
  }

  @Test
  void getAndSearchCommandsReadTheStore() throws Exception {
    store.write(List.of(document(1, "Ada Lovelace", "Zanzibar Roasters", "premium", "00000000000000000020"),
        document(2, "Bo Diddley", "Beat Shop", "business", "00000000000000000020")));

    Result get = run("get", "customer", "1", "--config", configFile.toString());
    assertThat(get.status).isZero();
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(get.out).path("profile").path("name").asText())
        .isEqualTo("Ada Lovelace");
    Result missing = run("get", "customer", "404", "--config", configFile.toString());
    assertThat(missing.status).isEqualTo(1);
    assertThat(missing.out).contains("no document for customer 404");

    Result byMerchant = run("search", "zanzi", "--config", configFile.toString());
    assertThat(byMerchant.status).isZero();
    assertThat(byMerchant.out.lines().count()).isEqualTo(1);
    assertThat(byMerchant.out).contains("Ada Lovelace");
    Result filtered = run("search", "", "--segment", "business", "--currency", "EUR", "--config", configFile.toString());
    assertThat(filtered.out.lines().count()).isEqualTo(1);
    assertThat(filtered.out).contains("Bo Diddley");
    // Every document of this class holds one account of 12.5.
    Result rich = run("search", "", "--segment", "business", "--min-balance", "12.5", "--config", configFile.toString());
    assertThat(rich.out.lines().count()).as(rich.out).isEqualTo(1);
    Result richer = run("search", "", "--min-balance", "12.51", "--config", configFile.toString());
    assertThat(richer.out).isEmpty();
    Result usage = run("search", "--config", configFile.toString());
    assertThat(usage.status).isEqualTo(2);
  }

  @Test
  void searchFindsEveryWordOfNameEmailAndMerchantsAsTyped() throws Exception {
    // Words split as the search splits them (non-ASCII letters kept whole), any case, as prefixes; a name hit ranks
    // above a merchant hit.
    store.write(List.of(document(41, "Zo\u00eb \u00c5ngstr\u00f6m-Berg", "Caf\u00e9 Noir", "retail", "00000000000000000030"),
        document(42, "Noir Person", "Shop", "retail", "00000000000000000030")));
    assertThat(ids(store.search(SearchQuery.text("\u00e5ngstr\u00f6m")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("BERG zo\u00eb")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("caf\u00e9")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("c41@example")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("noir")))).containsExactly("42", "41");
    assertThat(store.search(SearchQuery.text("zo\u00ebx"))).isEmpty();
    assertThat(store.search(SearchQuery.text("?!"))).as("no word: no text condition").isNotEmpty();
  }

  private static List<String> ids(List<String> documents) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String document : documents) {
      ids.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(document).path("id").asText());
    }
    return ids;
  }

  @Test
  void theSearchVectorIsALiteralOfTheWordsWithWeightsAndPositions() throws Exception {
    SearchFields fields = SearchFields.of(document(5, "Ann O'Neil", "Beat Shop", "retail", "1").json());
    assertThat(LocalDocumentStore.searchVector(fields))
        .isEqualTo("'ann':1A 'o':2A 'neil':3A 'c5':4A 'example':5A 'org':6A 'beat':7B 'shop':8B");
    assertThat(LocalDocumentStore.prefixQuery("Ann O'Neil")).isEqualTo("'ann':* & 'o':* & 'neil':*");
  }

  @Test
  void aDeleteLeavesATombstoneThatOlderWritesCannotOverwrite() throws Exception {
    store.write(List.of(document(7, "Cy", "Shop", "retail", "00000000000000000050")));
    SinkResult deleted = store.write(List.of(CustomerDocument.delete("7", "7", "00000000000000000060")));
    assertThat(deleted.deleted()).isEqualTo(1);
    SinkResult late = store.write(List.of(document(7, "Cy", "Shop", "retail", "00000000000000000055")));
    assertThat(late.skippedOlder()).isEqualTo(1);
    assertThat(store.get("7", "7")).isEmpty();
    SinkResult recreated = store.write(List.of(document(7, "Cy again", "Shop", "retail", "00000000000000000070")));
    assertThat(recreated.upserted()).isEqualTo(1);
    assertThat(store.get("7", "7").orElseThrow()).contains("Cy again");
  }

  @Test
  void aTableOfAnEarlierVersionKeepingJsonbIsBroughtToTheNewLayoutWithItsDocuments() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA old_layout");
      statement.execute("CREATE TABLE old_layout.customer_documents (id text PRIMARY KEY, partition_key text NOT NULL, "
          + "source_pos text NOT NULL, deleted boolean NOT NULL, doc jsonb, search tsvector, "
          + "synced_at timestamptz NOT NULL)");
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO old_layout.customer_documents "
          + "VALUES (?, ?, ?, false, ?::jsonb, to_tsvector('simple', 'Old Timer'), now())")) {
        CustomerDocument old = document(41, "Old Timer", "Shop", "legacy", "00000000000000000001");
        insert.setString(1, old.id());
        insert.setString(2, old.partitionKey());
        insert.setString(3, old.sourcePos());
        insert.setString(4, old.json());
        insert.execute();
      }
    }
    try (LocalDocumentStore migrated = LocalDocumentStore.open(localConfig(url + "?currentSchema=old_layout"))) {
      assertThat(migrated.get("41", "41").orElseThrow()).contains("Old Timer");
      assertThat(migrated.search(new SearchQuery("old", "legacy", "EUR", 12.5, 10))).hasSize(1);
      assertThat(migrated.search(new SearchQuery("", "legacy", "USD", null, 10))).isEmpty();
      SinkResult newer = migrated.write(List.of(document(41, "Old Timer", "Shop", "gold", "00000000000000000002")));
      assertThat(newer.upserted()).isEqualTo(1);
      assertThat(migrated.search(new SearchQuery("timer", "gold", null, null, 10))).hasSize(1);
    }
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet type = statement.executeQuery("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            + "WHERE attrelid = 'old_layout.customer_documents'::regclass AND attname = 'doc'")) {
      type.next();
      assertThat(type.getString(1)).isEqualTo("json");
    }
  }

  static CustomerDocument document(int id, String name, String merchant, String segment, String position) {
    String json = String.format("{\"id\":\"%d\",\"customerId\":\"%d\",\"profile\":{\"name\":\"%s\",\"email\":\"c%d@example.org\","
        + "\"segment\":\"%s\"},\"accounts\":[{\"id\":1,\"balance\":12.5,\"currency\":\"EUR\"}],\"currencies\":[\"EUR\"],"
        + "\"latestPayments\":[],\"aggregates\":{\"paymentsThisMonth\":0,\"lastPaymentAt\":null},\"merchants\":[\"%s\"],"
        + "\"sourcePos\":\"%s\"}", id, id, name, id, segment, merchant, position);
    return CustomerDocument.upsert(Integer.toString(id), Integer.toString(id), position, json);
  }

  private static Result run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = LookupMain.run(args, out, out);
    return new Result(status, bytes.toString(StandardCharsets.UTF_8));
  }

  private static final class Result {
    final int status;
    final String out;

    Result(int status, String out) {
      this.status = status;
      this.out = out;
    }
  }
}
