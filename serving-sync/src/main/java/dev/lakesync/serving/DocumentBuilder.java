package dev.lakesync.serving;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Builds customer documents from the validated tables: profile, accounts with balances, the latest payments and
 * small aggregates, as one JSON object per customer. At most ten top-level fields besides the id, so that Cosmos DB
 * can update a document with one conditional patch. A customer with no live row (deleted, or never valid) yields a
 * delete. The caller adds {@code sourcePos} (see ServingSync).
 */
final class DocumentBuilder {
  static final int LATEST_PAYMENTS = 20;
  private static final Map<String, String> JSON_OPTIONS =
      Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "ignoreNullFields", "false");

  private DocumentBuilder() {
  }

  /**
   * @param affected one column {@code customer_id} (distinct), or null to build every customer
   * @return columns {@code customer_id} (bigint), {@code json} (null for a delete)
   */
  static Dataset<Row> build(Dataset<Row> customersAll, Dataset<Row> accountsAll, Dataset<Row> paymentsAll,
      Dataset<Row> affected) {
    Dataset<Row> customers = customersAll.where("_op <> 'd'");
    Dataset<Row> accounts = accountsAll.where("_op <> 'd'");
    Dataset<Row> payments = paymentsAll.where("_op <> 'd'");
    if (affected != null) {
      customers = customers.join(affected, customers.col("id").equalTo(affected.col("customer_id")), "left_semi");
      accounts = accounts.join(affected, accounts.col("customer_id").equalTo(affected.col("customer_id")), "left_semi");
    }

    Dataset<Row> accountDocs = accounts.groupBy("customer_id").agg(
        expr("array_sort(collect_list(named_struct('id', id, 'type', type, 'balance', balance, "
            + "'currency', currency, 'status', status, 'updatedAt', updated_at)))").alias("accounts"),
        expr("array_sort(collect_set(currency))").alias("currencies"));

    Dataset<Row> customerPayments = payments.join(accounts.select(col("id").alias("account_id"), col("customer_id")),
        "account_id");
    // One pass over the customers' payments: the newest 20 (collect_list skips the nulls of the others) and the
    // aggregates over all of them.
    Dataset<Row> paymentDocs = customerPayments
        .withColumn("_rank", functions.row_number().over(Window.partitionBy("customer_id")
            .orderBy(col("created_at").desc(), col("id").desc())))
        .groupBy("customer_id").agg(
            expr("transform(sort_array(collect_list(CASE WHEN _rank <= " + LATEST_PAYMENTS + " THEN "
                + "named_struct('createdAt', created_at, 'id', id, 'accountId', account_id, 'amount', amount, "
                + "'currency', currency, 'merchant', merchant, 'status', status) END), false), "
                + "p -> named_struct('id', p.id, 'accountId', p.accountId, 'amount', p.amount, 'currency', p.currency, "
                + "'merchant', p.merchant, 'status', p.status, 'createdAt', p.createdAt))").alias("latestPayments"),
            expr("count_if(created_at >= date_trunc('MONTH', current_timestamp()))").alias("paymentsThisMonth"),
            expr("max(created_at)").alias("lastPaymentAt"),
            expr("array_sort(collect_set(merchant))").alias("merchants"));

    Dataset<Row> documents = customers
        .join(accountDocs, customers.col("id").equalTo(accountDocs.col("customer_id")), "left")
        .join(paymentDocs, customers.col("id").equalTo(paymentDocs.col("customer_id")), "left")
        .select(customers.col("id").alias("customer_id"), functions.to_json(functions.struct(
            expr("cast(id AS string)").alias("id"),
            expr("cast(id AS string)").alias("customerId"),
            functions.struct(col("name"), col("email"), col("segment"), col("created_at").alias("createdAt"),
                col("updated_at").alias("updatedAt")).alias("profile"),
            emptyIfNull("accounts"), emptyIfNull("currencies"), emptyIfNull("latestPayments"),
            functions.struct(expr("coalesce(paymentsThisMonth, 0)").alias("paymentsThisMonth"),
                col("lastPaymentAt")).alias("aggregates"),
            emptyIfNull("merchants")), JSON_OPTIONS).alias("json"));

    if (affected == null) {
      // Everyone: the live customers' documents, and a delete for each tombstone.
      return documents.select(col("customer_id"), col("json")).unionByName(
          customersAll.where("_op = 'd'").select(col("id").alias("customer_id"), expr("CAST(NULL AS STRING)").alias("json")));
    }
    // Every asked-for customer without a live row becomes a delete.
    return affected.join(documents, "customer_id", "left").select(col("customer_id"), col("json"));
  }

  private static Column emptyIfNull(String name) {
    return expr("coalesce(" + name + ", array())").alias(name);
  }
}
