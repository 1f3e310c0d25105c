package dev.lakesync.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The declared warehouse models as the config loader reads and checks them, every problem with its key path. */
class WarehouseModelConfigTest {
  private static final String BASE = String.join("\n",
      "source: {type: postgresql, host: h, database: d, user: u, password: p}",
      "broker: {bootstrapServers: 'localhost:9092'}",
      "lake: {root: /tmp/lake}",
      "tables: [{name: shop.orders, key: [id]}, {name: shop.customers, key: [id]}]",
      "warehouse:",
      "  type: postgresql",
      "  jdbcUrl: jdbc:postgresql://h/w",
      "  models:",
      "");

  private static PipelineConfig parse(String models) {
    return new PipelineConfigLoader(name -> null).parse(BASE + models, "test.yaml");
  }

  private static List<String> problems(String models) {
    try {
      parse(models);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be rejected");
  }

  @Test
  void readsModelsInFileOrderWithTheirDefaults() {
    PipelineConfig config = parse(String.join("\n",
        "    dim_customer: {kind: dimension, from: shop.customers, key: {customer_id: id}, columns: [name, email]}",
        "    fact_order: {kind: fact, from: shop.orders, key: [id], lookups: [{dimension: dim_customer, match: [customer_id], take: [name]}]}",
        "    agg: {kind: aggregate, from: fact_order, groupBy: [customer_id], measures: {n: count(*), total: SUM(amount)}}",
        ""));
    List<WarehouseModel> models = config.warehouse().orElseThrow().models();
    assertThat(models).extracting(WarehouseModel::name).containsExactly("dim_customer", "fact_order", "agg");
    WarehouseModel dimension = models.get(0);
    assertThat(dimension.history()).isEqualTo(WarehouseModel.History.TYPE1);
    assertThat(dimension.key()).isEqualTo(Map.of("customer_id", "id"));
    assertThat(dimension.columns()).containsExactly(Map.entry("name", "name"), Map.entry("email", "email"));
    assertThat(models.get(1).columns()).as("every lake column").isNull();
    assertThat(models.get(1).lookups().get(0).on()).containsExactly("customer_id");
    assertThat(models.get(2).measures().get("total").function()).isEqualTo(WarehouseModel.Function.SUM);
    assertThat(models.get(2).measures().get("n").column()).isNull();
  }

  @Test
  void everyColumnOfTheLakeIsTakenUnlessColumnsAreListedAndOddNamesAreReported() {
    WarehouseModel model = parse("    f: {kind: fact, from: shop.orders, key: {order_id: id}}\n")
        .warehouse().orElseThrow().models().get(0);
    List<String> unusable = new java.util.ArrayList<>();
    assertThat(model.columnsOver(List.of("id", "amount", "Order Date", "_op", "_source_pos"), unusable::add))
        .containsExactly(Map.entry("amount", "`amount`"));
    assertThat(unusable).containsExactly("Order Date");
  }

  @Test
  void rejectsBadDeclarationsNamingEachKey() {
    assertThat(problems(String.join("\n",
        "    d1: {kind: dimenson, from: shop.customers, key: [id]}",
        "    d2: {kind: dimension, from: shop.nope, history: type2, tracked: [x], columns: [name, valid_to]}",
        "    f: {kind: fact, from: shop.orders, key: [id], lookups: [{dimension: d9, match: [a]}, {dimension: d2, match: [a, b]}]}",
        "    a: {kind: aggregate, from: d2, measures: {m: median(x)}}",
        "    b: {kind: aggregate, from: f, groupBy: {day: day, seg: dx.seg}, incrementalBy: seg}",
        ""))).containsExactlyInAnyOrder(
        "warehouse.models.d1.kind: expected one of dimension, fact, aggregate, got 'dimenson'",
        "warehouse.models.d2.key: is required: the natural key, e.g. {customer_id: id} or [id]",
        "warehouse.models.d2.surrogateKey: is required for history: type2 (each version gets its own key)",
        "warehouse.models.d2: 'valid_to' is a name the loader uses itself (_changed_at, _first_from, _op, _source_pos, "
            + "is_current, valid_from, valid_to); choose another",
        "warehouse.models.d2.tracked: 'x' is not one of the model's columns (name, valid_to)",
        "warehouse.models.d2.from: table 'shop.nope' is not in tables: (shop.orders, shop.customers)",
        "warehouse.models.f.lookups[0].dimension: 'd9' is not a dimension declared before this fact",
        "warehouse.models.f.lookups[1].match: names 2 column(s), but d2's key has 0 ()",
        "warehouse.models.f.time: is required: lookup of d2 (history: type2) takes the version valid at the fact's time",
        "warehouse.models.a.measures.m: expected count(*) or count|sum|avg|min|max(fact_column), got 'median(x)'",
        "warehouse.models.a.groupBy: an aggregate needs groupBy columns or measures",
        "warehouse.models.a.from: 'd2' is not a fact declared before this aggregate",
        "warehouse.models.b.groupBy.seg: 'dx' is not a dimension that f looks up (d9, d2)",
        "warehouse.models.b.incrementalBy: 'seg' must be a groupBy column taken from the fact itself");
  }

  @Test
  void aLookupKeyWrittenAsOnIsRefusedWithTheKeyToUse() {
    // YAML 1.1 reads an "on" key as the boolean true; the lookup says what it expects instead.
    assertThat(problems(String.join("\n",
        "    d: {kind: dimension, from: shop.customers, key: [id]}",
        "    f: {kind: fact, from: shop.orders, key: [id], lookups: [{dimension: d, on: [customer_id]}]}", "")))
        .contains("warehouse.models.f.lookups[0].match: is required: the fact columns that match the dimension's key");
  }
}
