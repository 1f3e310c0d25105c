package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.LocalSpark;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleExpressionsIT {
  @TempDir
  static Path lake;

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(lake, "rule-expressions-it");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void refusesRulesThatDoNotParseCallJavaReadOtherTablesOrNameMissingColumnsAllAtOnce() {
    spark.sql("CREATE TABLE delta.`" + lake.resolve("validated/app/items") + "` (id INT, qty INT) USING delta");
    PipelineConfig config = new PipelineConfigLoader(name -> null).parse(String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: app, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + lake + "}",
        "tables:",
        "  - name: app.items",
        "    key: [id]",
        "    rules:",
        "      - {name: fine, expr: 'qty >= 0 AND upper(cast(id AS string)) IS NOT NULL'}",
        "      - {name: broken, expr: 'qty >= (0'}",
        "      - {name: java, expr: \"length(reflect('java.lang.System', 'getenv', 'HOME')) > 0\"}",
        "      - {name: lookup, expr: 'qty IN (SELECT 1)'}",
        "      - {name: missing, expr: 'colour = 1'}",
        ""), "test.yaml");

    assertThatThrownBy(() -> RuleExpressions.check(config, spark)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rules that cannot run:")
        .hasMessageContaining("rule broken: not a Spark SQL expression")
        .hasMessageContaining("rule java: reflect() calls Java code by reflection")
        .hasMessageContaining("rule lookup: a subquery reads other tables")
        .hasMessageContaining("rule missing: does not resolve against app.items's columns")
        .hasMessageNotContaining("rule fine");
  }
}
