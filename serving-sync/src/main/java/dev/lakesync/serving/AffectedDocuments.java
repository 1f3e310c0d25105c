package dev.lakesync.serving;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.config.DocumentDeclaration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The documents a range of changes touches, from each table's Change Data Feed: a root row's own changes; a child
 * row's, by its foreign key as it is now and as it was (pre-images count: a child that moves to another root, or is
 * deleted, changes the document it left); and a parent's looked-up by a child or the root, through every row that
 * matches the parent's key now or before the change.
 */
final class AffectedDocuments {
  private AffectedDocuments() {
  }

  /**
   * @param changes schema.table to its changed rows in the range (pre- and post-images, deletes), null when the
   *                table did not change
   * @return columns ID and PARTITION_KEY of the documents to rebuild (or delete), distinct
   */
  static Dataset<Row> between(DocumentBuilder builder, Function<String, Dataset<Row>> changes) {
    builder.changes(changes);
    DocumentDeclaration declaration = builder.declaration();
    String rootTable = declaration.table();
    Dataset<Row> rootNow = builder.rows().apply(rootTable);
    List<Dataset<Row>> keys = new ArrayList<>();
    Dataset<Row> rootChanges = changes.apply(rootTable);
    if (rootChanges != null) {
      keys.add(builder.keysOf(rootChanges));
    }
    Dataset<Row> rootTouched = touchedThroughLookups(builder, rootNow, rootChanges, declaration.lookups(), changes);
    if (rootTouched != null) {
      keys.add(builder.keysOf(rootTouched));
    }
    for (DocumentDeclaration.Child child : declaration.children().values()) {
      Dataset<Row> links = links(builder, child, changes);
      if (links == null) {
        continue;
      }
      List<String> foreignKey = new ArrayList<>(child.match().keySet());
      Column condition = null;
      for (int i = 0; i < foreignKey.size(); i++) {
        Column equal = rootNow.col("`" + child.match().get(foreignKey.get(i)) + "`").equalTo(links.col("_ls_r" + i));
        condition = condition == null ? equal : condition.and(equal);
      }
      keys.add(builder.keysOf(rootNow.join(links, condition, "left_semi")));
    }
    Dataset<Row> all = null;
    for (Dataset<Row> some : keys) {
      all = all == null ? some : all.union(some);
    }
    return all == null ? builder.keysOf(rootNow.limit(0)) : all.where(col(DocumentBuilder.ID).isNotNull()).distinct();
  }

  /**
   * The values of the child's foreign key in every child row whose document may have changed: rows that changed
   * themselves, and rows whose looked-up columns changed. Null when nothing the child reads changed.
   */
  private static Dataset<Row> links(DocumentBuilder builder, DocumentDeclaration.Child child,
      Function<String, Dataset<Row>> changes) {
    Dataset<Row> now = builder.rows().apply(child.table());
    Dataset<Row> own = changes.apply(child.table());
    Dataset<Row> touched = touchedThroughLookups(builder, now, own, child.lookups(), changes);
    if (touched == null) {
      return null;
    }
    List<Column> link = new ArrayList<>();
    List<String> foreignKey = new ArrayList<>(child.match().keySet());
    Column present = lit(true);
    for (int i = 0; i < foreignKey.size(); i++) {
      link.add(col("`" + foreignKey.get(i) + "`").alias("_ls_r" + i));
      present = present.and(col("`" + foreignKey.get(i) + "`").isNotNull());
    }
    return touched.where(present).select(link.toArray(new Column[0])).distinct();
  }

  /**
   * Rows of a table, with their lookups applied over the parents as they are now and as they were before the range,
   * that changed themselves or met a changed parent; null when neither the table nor any parent changed.
   */
  private static Dataset<Row> touchedThroughLookups(DocumentBuilder builder, Dataset<Row> now, Dataset<Row> own,
      List<DocumentDeclaration.Lookup> lookups, Function<String, Dataset<Row>> changes) {
    boolean parentChanged = lookups.stream().anyMatch(lookup -> changes.apply(lookup.table()) != null);
    if (own == null && !parentChanged) {
      return null;
    }
    String[] columns = now.columns();
    Dataset<Row> base = null;
    if (own != null) {
      base = own.selectExpr(quoted(columns)).withColumn("_ls_changed", lit(true));
    }
    if (parentChanged) {
      Dataset<Row> candidates = metChangedParent(now, lookups, changes).withColumn("_ls_changed", lit(false));
      base = base == null ? candidates : base.unionByName(candidates);
    }
    if (lookups.isEmpty()) {
      return base;
    }
    Dataset<Row> looked = builder.lookups(base, lookups, "lookups", true);
    return looked.where(col("_ls_changed"));
  }

  /**
   * The rows that may meet a changed parent: those whose own columns match a changed parent's key (all rows when a
   * changed parent is matched on a column an earlier lookup takes).
   */
  private static Dataset<Row> metChangedParent(Dataset<Row> now, List<DocumentDeclaration.Lookup> lookups,
      Function<String, Dataset<Row>> changes) {
    List<String> own = List.of(now.columns());
    Dataset<Row> met = null;
    for (DocumentDeclaration.Lookup lookup : lookups) {
      Dataset<Row> changed = changes.apply(lookup.table());
      if (changed == null) {
        continue;
      }
      if (!own.containsAll(lookup.match().values())) {
        return now;
      }
      Column condition = null;
      for (java.util.Map.Entry<String, String> match : lookup.match().entrySet()) {
        Column equal = now.col("`" + match.getValue() + "`").equalTo(changed.col("`" + match.getKey() + "`"));
        condition = condition == null ? equal : condition.and(equal);
      }
      Dataset<Row> some = now.join(changed, condition, "left_semi");
      met = met == null ? some : met.union(some);
    }
    return met == null ? now.limit(0) : met.distinct();
  }

  /** A parent's rows now and its changed rows' images, with {@code _ls_changed} telling which. */
  static Dataset<Row> widened(DocumentBuilder builder, String table) {
    Dataset<Row> now = builder.live(table).withColumn("_ls_changed", lit(false));
    Dataset<Row> changed = builder.changesOf(table);
    if (changed == null) {
      return now;
    }
    return now.unionByName(changed.selectExpr(quoted(builder.rows().apply(table).columns()))
        .withColumn("_ls_changed", lit(true)));
  }

  private static String[] quoted(String[] columns) {
    String[] quoted = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      quoted[i] = "`" + columns[i] + "`";
    }
    return quoted;
  }
}
