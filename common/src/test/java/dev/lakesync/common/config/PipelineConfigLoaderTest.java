package dev.lakesync.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigLoaderTest {
  private static final String MINIMAL = String.join("\n",
      "source:",
      "  type: postgresql",
      "  host: db.example.com",
      "  database: bank",
      "  user: app",
      "  password: ${PG_PASSWORD}",
      "broker:",
      "  bootstrapServers: localhost:9092",
      "lake:",
      "  root: /tmp/lake",
      "tables:",
      "  - name: bank.customers",
      "    key: [id]",
      "");

  private final Map<String, String> env = Map.of("PG_PASSWORD", "s3cret-value");

  private PipelineConfig parse(String yaml) {
    return new PipelineConfigLoader(env::get).parse(yaml, "test.yaml");
  }

  private ConfigException failure(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the config to be rejected");
  }

  @Test
  void appliesDefaultsToAMinimalConfig() {
    PipelineConfig config = parse(MINIMAL);

    assertThat(config.source().port()).isEqualTo(5432);
    assertThat(config.source().password().reveal()).isEqualTo("s3cret-value");
    assertThat(config.source().slotName()).isEqualTo("lakesync");
    assertThat(config.broker().type()).isEqualTo(BrokerConfig.Type.KAFKA);
    assertThat(config.broker().topicFor("bank", "customers")).isEqualTo("lakesync.bank.customers");
    assertThat(config.tables()).singleElement().satisfies(t -> {
      assertThat(t.qualifiedName()).isEqualTo("bank.customers");
      assertThat(t.key()).containsExactly("id");
    });
    assertThat(config.warehouse()).isEmpty();
    assertThat(config.workDir()).isEqualTo(Path.of(".lakesync"));
  }

  @Test
  void routesEveryTableToOneTopicWhenSingleTopicIsChosen() {
    PipelineConfig config = parse(MINIMAL.replace("  bootstrapServers: localhost:9092",
        "  bootstrapServers: localhost:9092\n  topicRouting: single-topic\n  routedTopic: all-changes"));

    assertThat(config.broker().topicFor("bank", "customers")).isEqualTo("all-changes");
    assertThat(config.broker().topicFor("bank", "payments")).isEqualTo("all-changes");
  }

  @Test
  void rejectsAnUnknownKeyWithItsPathAndASuggestion() {
    ConfigException e = failure(MINIMAL.replace("  host: db.example.com", "  hots: db.example.com"));

    assertThat(e.problems()).contains("source.host: is required");
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .startsWith("source.hots: unknown key (did you mean 'host'?)"));
  }

  @Test
  void rejectsAnUnknownTopLevelSection() {
    ConfigException e = failure(MINIMAL + "wharehouse:\n  type: postgresql\n");

    assertThat(e.problems()).singleElement().satisfies(p ->
        assertThat(p).startsWith("wharehouse: unknown key (did you mean 'warehouse'?)"));
  }

  @Test
  void rejectsAMissingRequiredKey() {
    ConfigException e = failure(MINIMAL.replace("  database: bank\n", ""));

    assertThat(e.problems()).containsExactly("source.database: is required");
    assertThat(e.getMessage()).isEqualTo("invalid pipeline config test.yaml: source.database: is required");
  }

  @Test
  void rejectsAMissingSection() {
    ConfigException e = failure(MINIMAL.replace("lake:\n  root: /tmp/lake\n", ""));

    assertThat(e.problems()).containsExactly("lake: section is required");
  }

  @Test
  void rejectsAWrongType() {
    ConfigException e = failure(MINIMAL.replace("  host: db.example.com", "  host: db.example.com\n  port: fivefourthreetwo"));

    assertThat(e.problems()).containsExactly("source.port: expected an integer from 1 to 65535, got 'fivefourthreetwo'");
  }

  @Test
  void rejectsAPortOutOfRange() {
    ConfigException e = failure(MINIMAL.replace("  host: db.example.com", "  host: db.example.com\n  port: 70000"));

    assertThat(e.problems()).containsExactly("source.port: expected an integer from 1 to 65535, got 70000");
  }

  @Test
  void rejectsAMappingWhereAValueBelongs() {
    ConfigException e = failure(MINIMAL.replace("  database: bank", "  database:\n    name: bank"));

    assertThat(e.problems()).containsExactly("source.database: expected a single value, got a mapping");
  }

  @Test
  void rejectsAnUnknownChoiceListingTheValidOnes() {
    ConfigException e = failure(MINIMAL.replace("  type: postgresql", "  type: postgres"));

    assertThat(e.problems()).containsExactly(
        "source.type: expected one of postgresql, mysql, mariadb, sqlserver, oracle, got 'postgres'");
  }

  @Test
  void rejectsAnUnresolvableVariableNamingKeyAndVariable() {
    ConfigException e = new ConfigException("x", java.util.List.of());
    try {
      new PipelineConfigLoader(name -> null).parse(MINIMAL, "test.yaml");
    } catch (ConfigException thrown) {
      e = thrown;
    }

    assertThat(e.problems()).containsExactly(
        "source.password: environment variable PG_PASSWORD is not set (write ${PG_PASSWORD:-default} to give a default)");
  }

  @Test
  void usesTheDefaultOfAVariableThatIsNotSet() {
    PipelineConfig config = parse(MINIMAL.replace("localhost:9092", "localhost:${KAFKA_PORT:-19092}"));

    assertThat(config.broker().bootstrapServers()).containsExactly("localhost:19092");
  }

  @Test
  void keepsAnEscapedDollarLiterally() {
    PipelineConfig config = parse(MINIMAL.replace("${PG_PASSWORD}", "pa$$word"));

    assertThat(config.source().password().reveal()).isEqualTo("pa$word");
  }

  @Test
  void rejectsAMalformedVariableReference() {
    ConfigException e = failure(MINIMAL.replace("${PG_PASSWORD}", "${PG_PASSWORD"));

    assertThat(e.problems()).containsExactly(
        "source.password: malformed variable reference (expected ${NAME} or ${NAME:-default})");
  }

  @Test
  void rejectsBadBootstrapServers() {
    ConfigException e = failure(MINIMAL.replace("localhost:9092", "localhost"));

    assertThat(e.problems()).containsExactly("broker.bootstrapServers: expected host:port[,host:port...], got 'localhost'");
  }

  @Test
  void rejectsALakeRootThatIsNotAPathOrAdlsUrl() {
    ConfigException e = failure(MINIMAL.replace("root: /tmp/lake", "root: s3://bucket/lake"));

    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p).startsWith("lake.root: expected a local path"));
  }

  @Test
  void optimizeMinFilesDefaultsToTenAndRejectsZero() {
    assertThat(parse(MINIMAL).lake().optimizeMinFiles()).isEqualTo(10);
    assertThat(parse(MINIMAL.replace("root: /tmp/lake", "root: /tmp/lake\n  optimizeMinFiles: 2")).lake().optimizeMinFiles())
        .isEqualTo(2);
    ConfigException e = failure(MINIMAL.replace("root: /tmp/lake", "root: /tmp/lake\n  optimizeMinFiles: 0"));
    assertThat(e.problems()).singleElement()
        .satisfies(p -> assertThat(p).startsWith("lake.optimizeMinFiles: expected an integer from 1"));
  }

  @Test
  void optimizeIntervalDefaultsToAnHourAndRejectsNonDurations() {
    assertThat(parse(MINIMAL).lake().optimizeInterval()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(parse(MINIMAL.replace("root: /tmp/lake", "root: /tmp/lake\n  optimizeInterval: 0s")).lake().optimizeInterval())
        .isZero();
    ConfigException e = failure(MINIMAL.replace("root: /tmp/lake", "root: /tmp/lake\n  optimizeInterval: often"));
    assertThat(e.problems()).singleElement()
        .satisfies(p -> assertThat(p).startsWith("lake.optimizeInterval: expected a duration"));
  }

  @Test
  void acceptsAnAdlsLakeRoot() {
    PipelineConfig config = parse(MINIMAL.replace("root: /tmp/lake", "root: abfss://lake@acct.dfs.core.windows.net/x/"));

    assertThat(config.lake().root()).isEqualTo("abfss://lake@acct.dfs.core.windows.net/x");
    assertThat(config.lake().isCloud()).isTrue();
  }

  @Test
  void rejectsABadServiceUrl() {
    ConfigException e = failure(MINIMAL + "serving:\n  sinks: [search]\n  search:\n    endpoint: not a url\n");

    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p).startsWith("serving.search.endpoint: expected a URL"));
  }

  @Test
  void everyJdbcConnectionToAPostgresSourceUsesTheTlsSettingsGivenToDebezium() {
    PipelineConfig config = parse(MINIMAL.replace("  password: ${PG_PASSWORD}", "  password: ${PG_PASSWORD}\n"
        + "  debezium: {database.sslmode: verify-full, database.sslrootcert: /etc/ssl/roots.pem, snapshot.mode: never}"));

    assertThat(config.source().jdbcProperties()).containsEntry("sslmode", "verify-full")
        .containsEntry("sslrootcert", "/etc/ssl/roots.pem").containsEntry("user", "app").doesNotContainKey("snapshot.mode");
    assertThat(parse(MINIMAL).source().jdbcProperties()).doesNotContainKey("sslmode");
  }

  @Test
  void refusesPlainHttpToAServiceElsewhereThanThisMachine() {
    ConfigException e = failure(MINIMAL + "serving:\n  sinks: [search, cosmos]\n  search:\n"
        + "    endpoint: http://bank.search.windows.net\n  cosmos:\n    endpoint: http://127.0.0.1:8081\n"
        + "    database: bank\n");

    assertThat(e.problems()).singleElement().isEqualTo("serving.search.endpoint: expected an https:// URL (http:// "
        + "only for an emulator on this machine), got 'http://bank.search.windows.net'");
  }

  @Test
  void requiresTheSectionOfEveryServingSinkNamed() {
    ConfigException e = failure(MINIMAL + "serving:\n  sinks: [local, cosmos]\n  local:\n    jdbcUrl: jdbc:postgresql://h/db\n");

    assertThat(e.problems()).containsExactly("serving.cosmos: section is required");
  }

  @Test
  void requiresAStagingUriForSynapse() {
    ConfigException e = failure(MINIMAL + "warehouse:\n  type: synapse\n  jdbcUrl: jdbc:sqlserver://w.sql.azuresynapse.net:1433\n");

    assertThat(e.problems()).containsExactly("warehouse.stagingUri: is required");
  }

  @Test
  void hidesAPasswordInAJdbcUrlWhenRejectingIt() {
    ConfigException e = failure(MINIMAL + "warehouse:\n  type: postgresql\n  jdbcUrl: jdbc:sqlserver://h:1433;password=hunter2\n");

    assertThat(e.getMessage()).doesNotContain("hunter2").contains("password=****");
  }

  @Test
  void rejectsATableNameWithoutSchemaAndATableWithoutKey() {
    ConfigException e = failure(MINIMAL.replace("  - name: bank.customers\n    key: [id]\n", "  - name: customers\n"));

    assertThat(e.problems()).containsExactly(
        "tables[0].name: expected schema.table made of letters, digits and underscores, got 'customers'",
        "tables[0].key: is required (the primary key column or columns); a table without one can only be "
            + "captured when it is only ever inserted into: declare appendOnly: true");
  }

  @Test
  void refusesAnEmptyKeyUnlessTheTableIsAppendOnly() {
    ConfigException e = failure(MINIMAL.replace("    key: [id]\n", "    key: []\n"));
    assertThat(e.problems()).singleElement().asString().startsWith("tables[0].key: is required");

    PipelineConfig keyless = parse(MINIMAL.replace("    key: [id]\n", "    appendOnly: true\n"));
    assertThat(keyless.tables().get(0).key()).isEmpty();
    assertThat(keyless.tables().get(0).appendOnly()).isTrue();
    assertThat(parse(MINIMAL).tables().get(0).appendOnly()).isFalse();
  }

  @Test
  void readsRulesAndRejectsADuplicateRuleName() {
    String rules = "    rules:\n      - name: positive\n        expr: amount > 0\n      - name: positive\n        expr: amount < 1e9\n        action: drop\n";
    ConfigException e = failure(MINIMAL + rules);

    assertThat(e.problems()).containsExactly("tables[0].rules[1].name: rule 'positive' is defined twice for this table");
  }

  @Test
  void readsRuleActions() {
    String rules = "    rules:\n      - name: positive\n        expr: amount > 0\n        action: fail\n";
    PipelineConfig config = parse(MINIMAL + rules);

    assertThat(config.tables().get(0).rules()).singleElement().satisfies(rule -> {
      assertThat(rule.expression()).isEqualTo("amount > 0");
      assertThat(rule.action()).isEqualTo(RuleConfig.Action.FAIL);
    });
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ConfigException e = failure(MINIMAL
        .replace("  type: postgresql", "  type: db2")
        .replace("localhost:9092", "nohost")
        .replace("  database: bank\n", "")
        + "extra: 1\n");

    assertThat(e.problems()).hasSize(4);
    assertThat(e.getMessage()).startsWith("invalid pipeline config test.yaml (4 problems):");
  }

  @Test
  void flattensPassThroughPropertiesAndResolvesVariables() {
    PipelineConfig config = parse(MINIMAL.replace("  password: ${PG_PASSWORD}",
        "  password: ${PG_PASSWORD}\n  debezium:\n    snapshot.mode: initial\n    heartbeat:\n      interval.ms: 5000\n    x: ${PG_PASSWORD}"));

    assertThat(config.source().debezium()).containsExactly(
        Map.entry("snapshot.mode", "initial"), Map.entry("heartbeat.interval.ms", "5000"), Map.entry("x", "s3cret-value"));
  }

  @Test
  void neverPrintsSecretsInToString() {
    String yaml = MINIMAL + "serving:\n  sinks: [cosmos]\n  cosmos:\n    endpoint: https://a.documents.azure.com:443/\n"
        + "    database: bank\n    containers:\n      customer: customers\n    key: ${PG_PASSWORD}\n";
    PipelineConfig config = parse(yaml);

    assertThat(config.toString()).doesNotContain("s3cret-value").contains("password=****").contains("key=****");
    assertThat(Secret.of("x").toString()).isEqualTo("****");
  }

  @Test
  void rejectsInvalidYamlWithItsPosition() {
    ConfigException e = failure("source:\n  host: [unclosed\n");

    assertThat(e.getMessage()).startsWith("invalid pipeline config test.yaml: not valid YAML at line");
  }

  @Test
  void rejectsDuplicateKeys() {
    ConfigException e = failure(MINIMAL + "lake:\n  root: /other\n");

    assertThat(e.getMessage()).contains("not valid YAML").contains("lake");
  }

  @Test
  void rejectsAMissingFileNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> new PipelineConfigLoader().load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid pipeline config " + missing + ": file not found (give an existing file with --config)");
  }

  @Test
  void loadsFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, MINIMAL);

    assertThat(new PipelineConfigLoader(env::get).load(file).source().host()).isEqualTo("db.example.com");
  }

  @Test
  void parsesDurations() {
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    values.put("a", "500ms");
    values.put("b", "2m");
    values.put("c", "soon");
    java.util.List<String> problems = new java.util.ArrayList<>();
    ConfigNode node = new ConfigNode("x", values, problems, new EnvSubstitution(VariableSource.environment(name -> null), null),
        ConfigOptions.root());

    assertThat(node.readDuration("a")).isEqualTo(Duration.ofMillis(500));
    assertThat(node.readDuration("b")).isEqualTo(Duration.ofMinutes(2));
    assertThat(node.readDuration("c")).isNull();
    assertThat(problems).containsExactly("x.c: expected a duration such as 500ms, 1s, 5m or 2h, got 'soon'");
  }
}
