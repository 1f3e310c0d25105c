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
    store = LocalDocumentStore.open(config.local().orElseThrow(), List.of(TestDocuments.CUSTOMER));
  }

  private static Path writeConfig(String name, String jdbcUrl) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]",
        "serving:",
        "  sinks: [local]",
        "  local: {jdbcUrl: '" + jdbcUrl + "', user: postgres}",
        "  documents:",
        "    customer:",
        "      table: bank.customers",
        "      search: {name: {searchable: true}, segment: {filterable: true}, currencies: {filterable: true},",
        "               balances: {filterable: true}}", ""));
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
    List<Document> documents = new ArrayList<>();
    for (int id = 1000; id < 3500; id++) {
      documents.add(document(id, "Bulk " + id, "Shop", "retail", "00000000000000000010"));
    }
    documents.add(document(1000, "Bulk newest", "Shop", "retail", "00000000000000000011"));
    SinkResult result = store.write(documents);
    assertThat(result.upserted()).isEqualTo(2500);
    assertThat(store.get("customer", "1000", "1000").orElseThrow()).contains("Bulk newest");
    assertThat(store.get("customer", "1000", null).orElseThrow()).contains("Bulk newest");
    assertThat(store.get("customer", "1000", "999")).as("wrong partition key").isEmpty();
    assertThat(store.get("other", "1000", null)).as("another type").isEmpty();
    assertThat(store.ids("customer")).contains("1000", "3499");
    assertThat(store.count("customer")).isEqualTo(store.ids("customer").size());
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
    assertThat(missing.out).contains("no customer document with id 404");
    Result unknownType = run("get", "client", "1", "--config", configFile.toString());
    assertThat(unknownType.status).isEqualTo(2);
    assertThat(unknownType.out).contains("no document type 'client' (declared: customer)");

    Result byMerchant = run("search", "customer", "zanzi", "--config", configFile.toString());
    assertThat(byMerchant.status).isZero();
    assertThat(byMerchant.out.lines().count()).isEqualTo(1);
    assertThat(byMerchant.out).contains("Ada Lovelace");
    Result filtered = run("search", "customer", "", "--filter", "segment=business", "--filter", "currencies=EUR",
        "--config", configFile.toString());
    assertThat(filtered.out.lines().count()).as(filtered.out).isEqualTo(1);
    assertThat(filtered.out).contains("Bo Diddley");
    // Every document of this class holds one account of 12.5: a list field matches on any element.
    Result byBalance = run("search", "customer", "", "--filter", "segment=business", "--filter", "balances=12.5",
        "--config", configFile.toString());
    assertThat(byBalance.out.lines().count()).as(byBalance.out).isEqualTo(1);
    Result none = run("search", "customer", "", "--filter", "balances=12.51", "--config", configFile.toString());
    assertThat(none.out).isEmpty();
    Result notFilterable = run("search", "customer", "", "--filter", "name=Bo", "--config", configFile.toString());
    assertThat(notFilterable.status).isEqualTo(2);
    assertThat(notFilterable.out).contains("filterable search fields of customer (segment, currencies, balances)");
    Result usage = run("search", "customer", "--config", configFile.toString());
    assertThat(usage.status).isEqualTo(2);
  }

  @Test
  void searchFindsEveryWordOfNameEmailAndMerchantsAsTyped() throws Exception {
    // Words split as the search splits them (non-ASCII letters kept whole), any case, as prefixes; a name hit ranks
    // above a merchant hit.
    store.write(List.of(document(41, "Zo\u00eb \u00c5ngstr\u00f6m-Berg", "Caf\u00e9 Noir", "retail", "00000000000000000030"),
        document(42, "Noir Person", "Shop", "retail", "00000000000000000030")));
    assertThat(ids(store.search(SearchQuery.text("customer", "\u00e5ngstr\u00f6m")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("customer", "BERG zo\u00eb")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("customer", "caf\u00e9")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("customer", "c41@example")))).containsExactly("41");
    assertThat(ids(store.search(SearchQuery.text("customer", "noir")))).containsExactly("42", "41");
    assertThat(store.search(SearchQuery.text("customer", "zo\u00ebx"))).isEmpty();
    assertThat(store.search(SearchQuery.text("customer", "?!"))).as("no word: no text condition").isNotEmpty();
  }

  private static List<String> ids(List<String> documents) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String document : documents) {
      ids.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(document).path("id").asText());
    }
    return ids;
  }

  @Test
  void theSearchVectorIsALiteralOfTheSearchableWordsWeighedInDeclarationOrder() throws Exception {
    assertThat(store.searchVector(document(5, "Ann O'Neil", "Beat Shop", "retail", "1")))
        .isEqualTo("'ann':1A 'o':2A 'neil':3A 'c5':4B 'example':5B 'org':6B 'beat':7C 'shop':8C");
    assertThat(LocalDocumentStore.prefixQuery("Ann O'Neil")).isEqualTo("'ann':* & 'o':* & 'neil':*");
  }

  @Test
  void aDeleteLeavesATombstoneThatOlderWritesCannotOverwrite() throws Exception {
    store.write(List.of(document(7, "Cy", "Shop", "retail", "00000000000000000050")));
    SinkResult deleted = store.write(List.of(TestDocuments.delete(7, "00000000000000000060")));
    assertThat(deleted.deleted()).isEqualTo(1);
    SinkResult late = store.write(List.of(document(7, "Cy", "Shop", "retail", "00000000000000000055")));
    assertThat(late.skippedOlder()).isEqualTo(1);
    assertThat(store.get("customer", "7", "7")).isEmpty();
    SinkResult recreated = store.write(List.of(document(7, "Cy again", "Shop", "retail", "00000000000000000070")));
    assertThat(recreated.upserted()).isEqualTo(1);
    assertThat(store.get("customer", "7", "7").orElseThrow()).contains("Cy again");
  }

  static Document document(int id, String name, String merchant, String segment, String position) {
    return TestDocuments.customer(id, name, merchant, segment, position);
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
