package dev.lakesync.cdc;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.core.util.Context;
import com.azure.core.util.BinaryData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium offsets kept in one blob (ADLS Gen2 or Blob Storage), for capture services whose local disk does not
 * survive a redeploy. Event Hubs has no compacted topics on most tiers, so a Kafka offsets topic is not the default.
 * Each commit rewrites the blob under a lease ({@link OffsetsBlobLease}), so only one capture instance writes it;
 * authentication is {@code LAKESYNC_STORAGE_CONNECTION_STRING} when set, otherwise DefaultAzureCredential (managed
 * identity).
 */
public final class BlobOffsetBackingStore extends MemoryOffsetBackingStore {
  /** Engine property naming the blob URL. */
  public static final String URL = "lakesync.offsets.blob.url";
  /** The {@code azure} service principal, when configured. */
  static final String TENANT = "lakesync.azure.tenantId";
  static final String CLIENT = "lakesync.azure.clientId";
  static final String CLIENT_SECRET = "lakesync.azure.clientSecret";
  static final String CONNECTION_STRING_ENV = "LAKESYNC_STORAGE_CONNECTION_STRING";
  private static final Logger LOG = LoggerFactory.getLogger(BlobOffsetBackingStore.class);
  private static final int FORMAT = 1;

  private BlobClient blob;
  private String url;
  private boolean stripSkipCounts;
  private OffsetsBlobLease lease;

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    stripSkipCounts = "true".equals(String.valueOf(config.originals().get(MariaDbRestartOffsets.STRIP)));
    url = String.valueOf(config.originals().get(URL));
    Map<String, Object> originals = config.originals();
    blob = client(url, System.getenv(CONNECTION_STRING_ENV), dev.lakesync.eventhubs.AzureCredentials.of(
        (String) originals.get(TENANT), (String) originals.get(CLIENT), (String) originals.get(CLIENT_SECRET)));
  }

  static BlobClient client(String url, String connectionString, com.azure.core.credential.TokenCredential identity) {
    BlobClientBuilder builder = new BlobClientBuilder();
    if (connectionString != null && !connectionString.isEmpty()) {
      // The URL names container and blob; the connection string supplies endpoint and key.
      java.net.URI uri = java.net.URI.create(url);
      String[] parts = uri.getPath().replaceFirst("^/", "").split("/", 3);
      boolean accountInPath = uri.getHost().equals("127.0.0.1") || uri.getHost().equals("localhost");
      String container = accountInPath ? parts[1] : parts[0];
      String name = accountInPath ? parts[2] : uri.getPath().replaceFirst("^/[^/]+/", "");
      return builder.connectionString(connectionString).containerName(container).blobName(name).buildClient();
    }
    return builder.endpoint(url).credential(identity).buildClient();
  }

  @Override
  public synchronized void start() {
    super.start();
    try {
      blob.getContainerClient().createIfNotExists();
      if (createIfAbsent()) {
        LOG.info("no offsets yet at {}; starting fresh", blob.getBlobUrl());
      }
      lease = OffsetsBlobLease.acquire(blob, url, OffsetsBlobLease.ACQUIRE_WAIT);
      data = decode(blob.downloadContent().toBytes());
      LOG.info("loaded {} offset entries from {}", data.size(), blob.getBlobUrl());
    } catch (BlobStorageException e) {
      throw new CaptureException("cannot read offsets from " + blob.getBlobUrl() + ": " + e.getServiceMessage(), e);
    }
  }

  /** Writes an empty offsets blob unless one exists (a lease needs a blob); true when this call wrote it. */
  private boolean createIfAbsent() {
    try {
      blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(encode(Map.of())))
          .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, Context.NONE);
      return true;
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
        return false; // it exists (possibly leased by another instance, which acquiring the lease reports)
      }
      throw e;
    }
  }

  @Override
  public synchronized void stop() {
    super.stop();
    if (lease != null) {
      lease.close();
    }
  }

  @Override
  public java.util.concurrent.Future<Void> set(Map<ByteBuffer, ByteBuffer> values,
      org.apache.kafka.connect.util.Callback<Void> callback) {
    return super.set(stripSkipCounts ? MariaDbRestartOffsets.withoutSkipCounts(values) : values, callback);
  }

  @Override
  protected void save() {
    try {
      blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(encode(data)))
          .setRequestConditions(new BlobRequestConditions().setLeaseId(lease.id())), null, Context.NONE);
    } catch (BlobStorageException e) {
      lease.refused(e);
      // Failing the commit keeps the old offsets: the engine replays, nothing is lost.
      throw new CaptureException("cannot write offsets to " + blob.getBlobUrl() + ": " + e.getServiceMessage(), e);
    }
  }

  /** Why this process stopped writing the offsets blob configured as {@code url}, or null. */
  static String lostReason(String url) {
    return OffsetsBlobLease.lostReason(url);
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return Set.of();
  }

  static byte[] encode(Map<ByteBuffer, ByteBuffer> entries) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(entries.size());
      for (Map.Entry<ByteBuffer, ByteBuffer> entry : entries.entrySet()) {
        write(out, entry.getKey());
        write(out, entry.getValue());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<ByteBuffer, ByteBuffer> decode(byte[] content) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(content))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown offsets format " + format);
      }
      int count = in.readInt();
      Map<ByteBuffer, ByteBuffer> entries = new HashMap<>();
      for (int i = 0; i < count; i++) {
        entries.put(read(in), read(in));
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(DataOutputStream out, ByteBuffer buffer) throws IOException {
    if (buffer == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static ByteBuffer read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return ByteBuffer.wrap(bytes);
  }
}
