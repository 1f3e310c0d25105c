package dev.lakesync.serving.sinks;

/** What one write call did: documents written, deleted, declined as older than the stored one; retries; RUs. */
public final class SinkResult {
  private final long upserted;
  private final long deleted;
  private final long skippedOlder;
  private final long retries;
  private final double requestUnits;

  public SinkResult(long upserted, long deleted, long skippedOlder, long retries, double requestUnits) {
    this.upserted = upserted;
    this.deleted = deleted;
    this.skippedOlder = skippedOlder;
    this.retries = retries;
    this.requestUnits = requestUnits;
  }

  public static SinkResult empty() {
    return new SinkResult(0, 0, 0, 0, 0);
  }

  public SinkResult plus(SinkResult other) {
    return new SinkResult(upserted + other.upserted, deleted + other.deleted, skippedOlder + other.skippedOlder,
        retries + other.retries, requestUnits + other.requestUnits);
  }

  public long upserted() {
    return upserted;
  }

  public long deleted() {
    return deleted;
  }

  /** Declined because the store holds a document reflecting a newer source position. */
  public long skippedOlder() {
    return skippedOlder;
  }

  public long retries() {
    return retries;
  }

  /** Cosmos DB request units charged (0 for other sinks). */
  public double requestUnits() {
    return requestUnits;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "upserted=%d deleted=%d skipped_older=%d retries=%d ru=%.1f",
        upserted, deleted, skippedOlder, retries, requestUnits);
  }
}
