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
      JsonToken start = parser.nextToken();
      if (start != JsonToken.START_OBJECT) {
        throw new IOException("expected a document (a JSON object), found " + start);
      }
      forEachField(parser, start, (field, value) -> {
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
            forEachField(parser, value, (name, token) -> readProfileField(parser, name, token, fields));
            break;
          case "merchants":
            forEachElement(parser, value, token -> addText(parser, token, fields.merchants));
            break;
          case "currencies":
            forEachElement(parser, value, token -> addText(parser, token, fields.currencies));
            break;
          case "accounts":
            forEachElement(parser, value, account -> forEachField(parser, account, (name, token) -> {
              if (name.equals("balance") && token.isNumeric()) {
                fields.balances.add(parser.getDecimalValue());
              } else {
                parser.skipChildren();
              }
            }));
            break;
          case "aggregates":
            forEachField(parser, value, (name, token) -> {
              if (name.equals("lastPaymentAt")) {
                fields.lastPaymentAt = text(parser, token);
              } else {
                parser.skipChildren();
              }
            });
            break;
          default:
            parser.skipChildren();
        }
      });
    }
    return new SearchFields(fields);
  }

  private static void readProfileField(JsonParser parser, String field, JsonToken token, Builder fields)
      throws IOException {
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

  private static void addText(JsonParser parser, JsonToken token, List<String> into) throws IOException {
    String text = text(parser, token);
    if (text != null) {
      into.add(text);
    }
  }

  /** Hands each field of the object at {@code value} to {@code reader}, which consumes (or skips) its value. */
  private static void forEachField(JsonParser parser, JsonToken value, FieldReader reader) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      parser.skipChildren(); // not an object: nothing of it is read
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      reader.read(field, parser.nextToken());
    }
  }

  /** Hands each element of the array at {@code value} to {@code reader}, which consumes (or skips) it. */
  private static void forEachElement(JsonParser parser, JsonToken value, ElementReader reader) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return;
    }
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      reader.read(token);
    }
  }

  private interface FieldReader {
    void read(String field, JsonToken value) throws IOException;
  }

  private interface ElementReader {
    void read(JsonToken value) throws IOException;
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
