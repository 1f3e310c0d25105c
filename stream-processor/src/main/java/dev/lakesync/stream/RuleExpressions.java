package dev.lakesync.stream;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.RuleConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;

/**
 * Checks the tables' rule expressions before the job starts, all problems at once: each must parse as Spark SQL,
 * must not call Java by reflection or read other tables (a subquery), and must resolve against the validated
 * table's columns where the table exists already. A rule is judged on every event; one that cannot run would stop
 * every batch.
 */
final class RuleExpressions {
  private static final Set<String> REFUSED_FUNCTIONS = Set.of("reflect", "java_method");

  private RuleExpressions() {
  }

  /** Throws {@link IllegalArgumentException} naming every rule that cannot run. */
  static void check(PipelineConfig config, SparkSession spark) {
    LakePaths paths = new LakePaths(config.lake().root());
    List<String> problems = new ArrayList<>();
    for (TableConfig table : config.tables()) {
      String path = paths.validated(table.schema(), table.table());
      boolean exists = !table.rules().isEmpty() && DeltaTables.exists(spark, path);
      for (RuleConfig rule : table.rules()) {
        String where = "tables " + table.qualifiedName() + ", rule " + rule.name() + ": ";
        Expression parsed;
        try {
          parsed = spark.sessionState().sqlParser().parseExpression(rule.expression());
        } catch (Exception e) { // ParseException, checked in Scala
          problems.add(where + "not a Spark SQL expression: " + firstLine(e.getMessage()));
          continue;
        }
        String refused = refusal(parsed);
        if (refused != null) {
          problems.add(where + refused);
        } else if (exists) {
          try {
            spark.read().format("delta").load(path).selectExpr(rule.expression());
          } catch (Exception e) { // AnalysisException, checked in Scala
            problems.add(where + "does not resolve against " + table.qualifiedName() + "'s columns: "
                + firstLine(e.getMessage()));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("rules that cannot run:\n  " + String.join("\n  ", problems));
    }
  }

  /** Why {@code expression} is refused, or null. */
  private static String refusal(Expression expression) {
    if (expression instanceof SubqueryExpression) {
      return "a subquery reads other tables; a rule may read only the event's own columns";
    }
    if (expression instanceof UnresolvedFunction) {
      List<String> name = scala.collection.JavaConverters.seqAsJavaList(((UnresolvedFunction) expression).nameParts());
      String function = name.get(name.size() - 1).toLowerCase(Locale.ROOT);
      if (REFUSED_FUNCTIONS.contains(function)) {
        return function + "() calls Java code by reflection; a rule may use Spark SQL functions only";
      }
    }
    for (Expression child : scala.collection.JavaConverters.seqAsJavaList(expression.children())) {
      String refused = refusal(child);
      if (refused != null) {
        return refused;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    String text = message == null ? "" : message.strip();
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
