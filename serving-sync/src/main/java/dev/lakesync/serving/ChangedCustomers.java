package dev.lakesync.serving;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The customers whose document a range of changes touches, from each table's Change Data Feed. Pre-images count
 * too: an account that moves to another customer, or is deleted (its tombstone keeps only the key), changes the
 * document of the customer it belonged to. A payment reaches its customer through its account, as of now or as
 * of any change in the range.
 */
final class ChangedCustomers {
  private ChangedCustomers() {
  }

  /**
   * @param from    per table, the last version already synced (exclusive)
   * @param to      per table, the version read now
   * @param accountsNow every accounts row at {@code to}
   * @return one column {@code customer_id}, distinct
   */
  static Dataset<Row> between(ServingTables tables, Map<String, Long> from, Map<String, Long> to,
      Dataset<Row> accountsNow) {
    Dataset<Row> customers = changed(tables, ServingTables.CUSTOMERS, from, to, "id");
    Dataset<Row> accountChanges = changed(tables, ServingTables.ACCOUNTS, from, to, "id", "customer_id");
    Dataset<Row> paymentChanges = changed(tables, ServingTables.PAYMENTS, from, to, "account_id");
    Dataset<Row> owners = accountsNow.select("id", "customer_id").union(accountChanges);
    Dataset<Row> payers = paymentChanges.join(owners, paymentChanges.col("account_id").equalTo(owners.col("id")))
        .select(owners.col("customer_id"));
    Dataset<Row> ids = customers.select(col("id").alias("customer_id"))
        .union(accountChanges.select("customer_id"))
        .union(payers);
    return ids.where("customer_id IS NOT NULL").distinct();
  }

  /** The table's changed rows in the range (selected columns); none when the range is empty. */
  private static Dataset<Row> changed(ServingTables tables, String table, Map<String, Long> from,
      Map<String, Long> to, String... columns) {
    long first = from.get(table);
    long last = to.get(table);
    Dataset<Row> rows = last > first ? tables.changes(table, first, last) : tables.at(table, last).limit(0);
    return rows.selectExpr(columns);
  }
}
