package dev.lakesync.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.serving.sinks.DocumentLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares each customer's serving document with the validated tables: a live customer has a document with the
 * same profile and the same accounts and balances; a deleted one has none.
 */
final class ServingCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServingCheck() {
  }

  /** What differs for one customer; empty when the document agrees. */
  static String difference(DocumentLookup lookup, String customerId, Map<String, String> customer,
      List<Map<String, String>> accounts) throws Exception {
    Optional<String> stored = lookup.get(customerId, customerId);
    if (customer == null) {
      return stored.isPresent() ? "document of a deleted customer" : "";
    }
    if (stored.isEmpty()) {
      return "no document";
    }
    JsonNode document = JSON.readTree(stored.get());
    List<String> differences = new ArrayList<>();
    for (String field : List.of("name", "email", "segment")) {
      String expected = customer.get(field);
      String actual = document.path("profile").path(field).isNull() ? "null" : document.path("profile").path(field).asText();
      if (expected != null && !expected.equals(actual)) {
        differences.add(field + " " + expected + " vs " + actual);
      }
    }
    TreeSet<String> expectedAccounts = new TreeSet<>();
    for (Map<String, String> account : accounts) {
      expectedAccounts.add(account.get("id") + ":" + account.get("balance"));
    }
    TreeSet<String> actualAccounts = new TreeSet<>();
    for (JsonNode account : document.path("accounts")) {
      actualAccounts.add(Values.of(account.path("id").decimalValue()) + ":" + Values.of(account.path("balance").decimalValue()));
    }
    if (!expectedAccounts.equals(actualAccounts)) {
      differences.add("accounts " + expectedAccounts + " vs " + actualAccounts);
    }
    return String.join(", ", differences);
  }
}
