package dev.lakesync.cdc;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease that makes one capture instance the only writer of an offsets blob: a second instance started by
 * mistake fails at start instead of overwriting the first one's offsets. The lease is short and renewed in the
 * background, so after a crash (kill -9) the next instance gets it once it lapses; every offsets write carries the
 * lease id, so an instance that lost the lease cannot write.
 */
final class OffsetsBlobLease implements AutoCloseable {
  /** Blob Storage's shortest finite lease; the one a crashed instance leaves lapses soonest. */
  static final int LEASE_SECONDS = 15;
  private static final Duration RENEW_EVERY = Duration.ofSeconds(5);
  /** How long a starting instance waits for a crashed instance's lease to lapse. */
  static final Duration ACQUIRE_WAIT = Duration.ofSeconds(LEASE_SECONDS + 5);
  private static final Set<BlobErrorCode> TAKEN = Set.of(BlobErrorCode.LEASE_ALREADY_PRESENT,
      BlobErrorCode.LEASE_ID_MISMATCH_WITH_LEASE_OPERATION, BlobErrorCode.LEASE_ID_MISMATCH_WITH_BLOB_OPERATION,
      BlobErrorCode.LEASE_LOST, BlobErrorCode.LEASE_NOT_PRESENT_WITH_BLOB_OPERATION,
      BlobErrorCode.LEASE_NOT_PRESENT_WITH_LEASE_OPERATION, BlobErrorCode.LEASE_ID_MISSING);
  private static final Logger LOG = LoggerFactory.getLogger(OffsetsBlobLease.class);
  /** Blobs whose lease this process lost, with why: the engine builds the store itself, so the service asks here. */
  private static final Map<String, String> LOST = new ConcurrentHashMap<>();

  private final BlobClient blob;
  /** The blob's URL as configured: the key under which a lost lease is recorded. */
  private final String url;
  private final BlobLeaseClient lease;
  private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "lakesync-offsets-lease");
    thread.setDaemon(true);
    return thread;
  });

  private OffsetsBlobLease(BlobClient blob, String url) {
    this.blob = blob;
    this.url = url;
    this.lease = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
  }

  /**
   * Takes the lease of an existing blob (configured as {@code url}), waiting up to {@code wait} for another
   * instance's lease to lapse.
   */
  static OffsetsBlobLease acquire(BlobClient blob, String url, Duration wait) {
    OffsetsBlobLease held = new OffsetsBlobLease(blob, url);
    LOST.remove(url);
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        held.lease.acquireLease(LEASE_SECONDS);
        break;
      } catch (BlobStorageException e) {
        if (!BlobErrorCode.LEASE_ALREADY_PRESENT.equals(e.getErrorCode())) {
          throw new CaptureException("cannot lease the offsets blob " + blob.getBlobUrl() + ": " + e.getServiceMessage(), e);
        }
        if (System.nanoTime() >= deadline) {
          throw new CaptureException("the offsets blob " + blob.getBlobUrl() + " is in use by another capture instance "
              + "(it has renewed its lease for " + wait.toSeconds() + " s): stop that instance first, or give this "
              + "pipeline its own source.offsetsUrl", e);
        }
        sleep(Duration.ofSeconds(1));
      }
    }
    held.renewer.scheduleWithFixedDelay(held::renew, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("holding the lease of the offsets blob {}", blob.getBlobUrl());
    return held;
  }

  String id() {
    return lease.getLeaseId();
  }

  /** Why this process lost the lease of the offsets blob at {@code url}, or null. */
  static String lostReason(String url) {
    return url == null ? null : LOST.get(url);
  }

  /** Records that a write with the lease was refused because another instance holds the blob now. */
  void refused(BlobStorageException e) {
    if (TAKEN.contains(e.getErrorCode())) {
      lost("a write of the offsets was refused (" + e.getErrorCode() + ")");
    }
  }

  private void renew() {
    try {
      lease.renewLease();
    } catch (BlobStorageException e) {
      if (TAKEN.contains(e.getErrorCode())) {
        lost("its renewal was refused (" + e.getErrorCode() + ")");
      } else {
        LOG.warn("renewing the lease of the offsets blob {} failed, trying again: {}", blob.getBlobUrl(), e.getServiceMessage());
      }
    } catch (RuntimeException e) {
      LOG.warn("renewing the lease of the offsets blob {} failed, trying again: {}", blob.getBlobUrl(), e.getMessage());
    }
  }

  private void lost(String why) {
    String reason = "lost the lease of the offsets blob " + blob.getBlobUrl() + ": " + why
        + "; another capture instance now writes these offsets, so this one stops";
    if (LOST.putIfAbsent(url, reason) == null) {
      LOG.error(reason);
    }
    renewer.shutdown();
  }

  @Override
  public void close() {
    renewer.shutdownNow();
    if (LOST.containsKey(url)) {
      return;
    }
    try {
      lease.releaseLease();
    } catch (RuntimeException e) {
      LOG.warn("releasing the lease of the offsets blob {}: {} (it lapses in {} s)", blob.getBlobUrl(), e.getMessage(),
          LEASE_SECONDS);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CaptureException("interrupted while waiting for the offsets blob's lease", e);
    }
  }
}
