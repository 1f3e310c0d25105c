package dev.lakesync.cdc;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A change too large for the broker (its request limit: 1 MB on Event Hubs, {@code max.request.size} on Kafka) would
 * fail its batch again at every restart while the source keeps its log. Instead the whole change is written to a file
 * under the capture's work folder, and a small marker takes its place on the topic: same key and headers, plus
 * {@link ChangeHeaders#OVERSIZED} saying how large it was and where it is kept. The processor quarantines the marker
 * with that reason; nothing is dropped and capture goes on.
 */
final class OversizedChanges {
  /** Room left for the record's framing, which the producer counts against the limit too. */
  private static final int FRAMING = 1024;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private final int limit;
  private final Path folder;
  private final PrintStream out;

  OversizedChanges(int limitBytes, Path folder, PrintStream out) {
    this.limit = limitBytes;
    this.folder = folder;
    this.out = out;
  }

  /** {@code record} itself, or when it is too large, its marker (the full record kept in a file first). */
  ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> record, String table) {
    long size = size(record);
    if (size + FRAMING <= limit) {
      return record;
    }
    Path file = keep(record);
    String reason = size + " bytes, above the broker's limit of " + limit + "; the change is kept in " + file;
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(ChangeHeaders.OVERSIZED, reason.getBytes(StandardCharsets.UTF_8));
    byte[] marker = ("{\"lakesync_oversized\":{\"bytes\":" + size + ",\"limit\":" + limit + "}"
        + transactionOf(record.value()) + "}").getBytes(StandardCharsets.UTF_8);
    out.println("capture: a change of " + table + " (key " + text(record.key()) + ") is " + reason
        + "; published as a marker that the processor quarantines");
    out.flush();
    return new ProducerRecord<>(record.topic(), record.partition(), record.key(), marker, headers);
  }

  /**
   * The change's transaction block as a field of the marker ({@code ,"transaction":{...}}), or nothing: the processor
   * counts the marker as a change of that transaction, which it would otherwise wait for.
   */
  static String transactionOf(byte[] value) {
    try {
      com.fasterxml.jackson.databind.JsonNode transaction = JSON.readTree(value).path("payload").path("transaction");
      return transaction.isObject() ? ",\"transaction\":" + transaction : "";
    } catch (IOException e) {
      return "";
    }
  }

  static long size(ProducerRecord<byte[], byte[]> record) {
    long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    for (Header header : record.headers()) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length);
    }
    return size;
  }

  /** Writes the record's key and value (as JSON lines) to a file named by its content, durably. */
  private Path keep(ProducerRecord<byte[], byte[]> record) {
    try {
      Files.createDirectories(folder);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(record.key() == null ? new byte[0] : record.key());
      digest.update(record.value());
      StringBuilder name = new StringBuilder(record.topic()).append('-');
      for (byte b : java.util.Arrays.copyOf(digest.digest(), 8)) {
        name.append(String.format("%02x", b));
      }
      Path file = folder.resolve(name.append(".json").toString()).toAbsolutePath();
      try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
        stream.write(("{\"topic\":\"" + record.topic() + "\",\"key\":").getBytes(StandardCharsets.UTF_8));
        stream.write(record.key() == null ? "null".getBytes(StandardCharsets.UTF_8) : record.key());
        stream.write(",\"value\":".getBytes(StandardCharsets.UTF_8));
        stream.write(record.value());
        stream.write("}\n".getBytes(StandardCharsets.UTF_8));
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep an oversized change of topic " + record.topic() + " in " + folder
          + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "none" : new String(bytes, StandardCharsets.UTF_8);
  }
}
