package dev.lakesync.serving.sinks;

import java.util.Objects;

/** Free text plus the filters both search implementations support; a null filter is not applied. */
public final class SearchQuery {
  private final String text;
  private final String segment;
  private final String currency;
  private final Double minBalance;
  private final int top;

  public SearchQuery(String text, String segment, String currency, Double minBalance, int top) {
    this.text = Objects.requireNonNull(text, "text");
    this.segment = segment;
    this.currency = currency;
    this.minBalance = minBalance;
    if (top < 1 || top > 1000) {
      throw new IllegalArgumentException("top must be between 1 and 1000, got " + top);
    }
    this.top = top;
  }

  public static SearchQuery text(String text) {
    return new SearchQuery(text, null, null, null, 10);
  }

  public String text() {
    return text;
  }

  /** Exact customer segment, or null. */
  public String segment() {
    return segment;
  }

  /** Customers holding an account in this currency, or null. */
  public String currency() {
    return currency;
  }

  /** Customers with at least one account balance of this much, or null. */
  public Double minBalance() {
    return minBalance;
  }

  public int top() {
    return top;
  }
}
