package dev.lakesync.serving.sinks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Free text over a document type's searchable fields, plus equality filters on its filterable fields (on a list
 * field: any element equal). Values are given as text and compared as the field's type.
 */
public final class SearchQuery {
  private final String type;
  private final String text;
  private final Map<String, String> filters;
  private final int top;

  public SearchQuery(String type, String text, Map<String, String> filters, int top) {
    this.type = Objects.requireNonNull(type, "type");
    this.text = Objects.requireNonNull(text, "text");
    this.filters = new LinkedHashMap<>(filters);
    if (top < 1 || top > 1000) {
      throw new IllegalArgumentException("top must be between 1 and 1000, got " + top);
    }
    this.top = top;
  }

  public static SearchQuery text(String type, String text) {
    return new SearchQuery(type, text, Map.of(), 10);
  }

  public String type() {
    return type;
  }

  public String text() {
    return text;
  }

  /** Field name to the value it must equal, in the order given. */
  public Map<String, String> filters() {
    return filters;
  }

  public int top() {
    return top;
  }
}
