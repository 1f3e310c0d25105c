package dev.lakesync.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  /** {@code -Dlakesync.writeReference=true} rewrites the generated part of the file instead of comparing. */
  private static final boolean WRITE = Boolean.getBoolean("lakesync.writeReference");

  @Test
  void theConfigurationReferenceIsTheOneTheDeclaredOptionsRender() throws IOException {
    String text = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = text.indexOf(ConfigReference.BEGIN);
    int end = text.indexOf(ConfigReference.END);
    assertThat(begin).as("docs/configuration.md holds the generated markers").isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String current = text.substring(begin, end + ConfigReference.END.length() + 1);
    if (WRITE) {
      Files.writeString(DOC, text.replace(current, ConfigReference.markdown()), StandardCharsets.UTF_8);
      return;
    }
    assertThat(current)
        .as("docs/configuration.md differs from ConfigOptions: run mvn -pl common test -Dtest=ConfigReferenceTest "
            + "-Dlakesync.writeReference=true")
        .isEqualTo(ConfigReference.markdown());
  }

  @Test
  void everyOptionHasADocAndEverySectionIsReachableOnce() {
    List<String> undocumented = new ArrayList<>();
    List<ConfigSection> sections = new ArrayList<>();
    walk(ConfigOptions.root(), sections, undocumented);
    assertThat(undocumented).isEmpty();
    assertThat(ConfigReference.markdown()).contains("### `tables[].rules[]`")
        .contains("### `serving.documents.<name>.lookups[]`, `serving.documents.<name>.children.<name>.lookups[]`")
        .contains("| `port` | integer, 1 to 65535 | the type's default port | database port |");
  }

  private static void walk(ConfigSection section, List<ConfigSection> seen, List<String> undocumented) {
    if (seen.contains(section)) {
      return;
    }
    seen.add(section);
    for (ConfigOption<?> option : section.options()) {
      if (option.doc().isBlank()) {
        undocumented.add(section.title() + "." + option.key());
      }
      if (option.opens() != null) {
        walk(option.opens(), seen, undocumented);
      }
    }
  }

  @Test
  void aSectionReadsOnlyTheOptionsDeclaredForIt() {
    ConfigNode source = new ConfigNode("source", Map.of("host", "db"), new ArrayList<>(),
        new EnvSubstitution(VariableSource.environment(name -> null), null), ConfigOptions.Source.SECTION);

    assertThat(source.get(ConfigOptions.Source.HOST)).isEqualTo("db");
    assertThatThrownBy(() -> source.get(ConfigOptions.Broker.TOPIC_PREFIX))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'topicPrefix' is not declared for source");
  }

  @Test
  void aDeclaredKeyThatDoesNotApplyIsNamedSo() {
    String yaml = "source: {type: postgresql, host: h, database: d, user: u, password: p}\n"
        + "broker: {bootstrapServers: 'localhost:9092'}\nlake: {root: /tmp/lake}\n"
        + "tables: [{name: public.orders, key: [id]}]\n"
        + "warehouse:\n  type: postgresql\n  jdbcUrl: jdbc:postgresql://localhost/dw\n"
        + "  models:\n    fact_orders: {kind: fact, from: public.orders, key: [id], surrogateKey: sk}\n";

    assertThatThrownBy(() -> new PipelineConfigLoader(name -> null).parse(yaml, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("warehouse.models.fact_orders.surrogateKey: does not apply here; known keys here: kind, from");
  }
}
