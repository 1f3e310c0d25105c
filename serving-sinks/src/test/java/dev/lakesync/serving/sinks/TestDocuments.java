package dev.lakesync.serving.sinks;

import java.util.List;

/** A customer document type and documents of it, shaped as the demo bank declares them. */
final class TestDocuments {
  static final String TYPE = "customer";
  static final DocumentType CUSTOMER = new DocumentType(TYPE,
      List.of("customerId", "profile", "accounts", "currencies", "latestPayments", "aggregates", "merchants"),
      "customerId", List.of(
          new IndexField("customerId", IndexField.Kind.STRING, false, false, true, false, false),
          new IndexField("name", IndexField.Kind.STRING, false, true, false, false, true),
          new IndexField("email", IndexField.Kind.STRING, false, true, false, false, false),
          new IndexField("segment", IndexField.Kind.STRING, false, false, true, true, false),
          new IndexField("merchants", IndexField.Kind.STRING, true, true, true, false, false),
          new IndexField("currencies", IndexField.Kind.STRING, true, false, true, true, false),
          new IndexField("balances", IndexField.Kind.DOUBLE, true, false, true, false, false)));

  private TestDocuments() {
  }

  static Document customer(int id, String name, String merchant, String position) {
    return customer(id, name, merchant, id % 2 == 0 ? "retail" : "premium", position);
  }

  static Document customer(int id, String name, String merchant, String segment, String position) {
    String json = String.format("{\"id\":\"%d\",\"customerId\":\"%d\",\"profile\":{\"name\":\"%s\","
        + "\"email\":\"c%d@example.org\",\"segment\":\"%s\"},\"accounts\":[{\"id\":1,\"balance\":12.5,"
        + "\"currency\":\"EUR\"}],\"currencies\":[\"EUR\"],\"latestPayments\":[],\"aggregates\":{\"paymentsThisMonth\""
        + ":0,\"lastPaymentAt\":null},\"merchants\":[\"%s\"],\"sourcePos\":\"%s\"}", id, id, name, id, segment,
        merchant, position);
    String search = String.format("{\"customerId\":\"%d\",\"name\":\"%s\",\"email\":\"c%d@example.org\","
        + "\"segment\":\"%s\",\"merchants\":[\"%s\"],\"currencies\":[\"EUR\"],\"balances\":[12.5]}", id, name, id,
        segment, merchant);
    return Document.upsert(TYPE, Integer.toString(id), Integer.toString(id), position, json, search);
  }

  static Document delete(int id, String position) {
    return Document.delete(TYPE, Integer.toString(id), Integer.toString(id), position);
  }
}
