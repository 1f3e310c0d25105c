package dev.lakesync.serving.sinks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A serving document's searchable and filterable fields, as AI Search indexes them and the local store keeps them
 * beside the document: name, email and merchants to search; segment, currencies and balances to filter. Read with a
 * streaming parser that skips everything else (payments make up most of a document).
 */
final class SearchFields {
  private static final JsonFactory JSON = new JsonFactory();

  final String id;
  final String customerId;
  final String name;
  final String email;
  final String segment;
  final List<String> merchants;
  final List<String> currencies;
  final List<BigDecimal> balances;
  final String lastPaymentAt;
  final String sourcePos;

  private SearchFields(Builder b) {
    this.id = b.id;
    this.customerId = b.customerId;
    this.name = b.name;
    this.email = b.email;
    this.segment = b.segment;
    this.merchants = Collections.unmodifiableList(b.merchants);
    this.currencies = Collections.unmodifiableList(b.currencies);
    this.balances = Collections.unmodifiableList(b.balances);
    this.lastPaymentAt = b.lastPaymentAt;
    this.sourcePos = b.sourcePos;
  }

  /** The largest balance, or null without accounts: "has an account with at least X" is "largest at least X". */
  BigDecimal maxBalance() {
    return balances.stream().max(BigDecimal::compareTo).orElse(null);
  }

  static SearchFields of(String json) throws IOException {
    Builder fields = new Builder();
    try (JsonParser parser = JSON.createParser(json)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "a document");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id":
            fields.id = text(parser, value);
            break;
          case "customerId":
            fields.customerId = text(parser, value);
            break;
          case "sourcePos":
            fields.sourcePos = text(parser, value);
            break;
          case "profile":
            readProfile(parser, value, fields);
            break;
          case "merchants":
            readStrings(parser, value, fields.merchants);
            break;
          case "currencies":
            readStrings(parser, value, fields.currencies);
            break;
          case "accounts":
            readBalances(parser, value, fields.balances);
            break;
          case "aggregates":
            fields.lastPaymentAt = readField(parser, value, "lastPaymentAt");
            break;
          default:
            parser.skipChildren();
        }
      }
    }
    return new SearchFields(fields);
  }

  private static void readProfile(JsonParser parser, JsonToken value, Builder fields) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if (field.equals("name")) {
        fields.name = text(parser, token);
      } else if (field.equals("email")) {
        fields.email = text(parser, token);
      } else if (field.equals("segment")) {
        fields.segment = text(parser, token);
      } else {
        parser.skipChildren();
      }
    }
  }

  private static void readStrings(JsonParser parser, JsonToken value, List<String> into) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return;
    }
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      String text = text(parser, token);
      if (text != null) {
        into.add(text);
      }
    }
  }

  private static void readBalances(JsonParser parser, JsonToken value, List<BigDecimal> into) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return;
    }
    for (JsonToken account = parser.nextToken(); account != JsonToken.END_ARRAY; account = parser.nextToken()) {
      if (account != JsonToken.START_OBJECT) {
        parser.skipChildren();
        continue;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        if (field.equals("balance") && token.isNumeric()) {
          into.add(parser.getDecimalValue());
        } else {
          parser.skipChildren();
        }
      }
    }
  }

  /** One scalar field of an object, as text; null when missing or null. */
  private static String readField(JsonParser parser, JsonToken value, String wanted) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return null;
    }
    String found = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if (field.equals(wanted)) {
        found = text(parser, token);
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }

  /** A scalar as text (null for JSON null); an object or array is skipped and gives null. */
  private static String text(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token.isScalarValue()) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + what + " (a JSON object), found " + actual);
    }
  }

  private static final class Builder {
    String id;
    String customerId;
    String name;
    String email;
    String segment;
    final List<String> merchants = new ArrayList<>();
    final List<String> currencies = new ArrayList<>();
    final List<BigDecimal> balances = new ArrayList<>();
    String lastPaymentAt;
    String sourcePos;
  }
}
