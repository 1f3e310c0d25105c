package dev.lakesync.bench.fuzz;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.UUID;

/** Random values as the text a database reads them from: edge cases on purpose, never placeholders. */
final class FuzzValues {
  /** Characters that break careless code: quotes, escapes, separators, non-Latin letters, an emoji. */
  private static final String[] PIECES = {"a", "b", "Z", "0", "7", " ", "'", "\"", "\\", ",", ";", "{", "}", "(", ")",
      "[", "]", "\n", "\t", "ä", "ß", "É", "漢", "字", "😀", "%", "_", "$", "NULL", "null", "__lakesync"};
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private FuzzValues() {
  }

  static String text(Random random, int maxPieces) {
    int pieces = random.nextInt(maxPieces + 1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  /** About {@code bytes} of text that does not compress, so PostgreSQL stores it out of line. */
  static String largeText(Random random, int bytes) {
    StringBuilder text = new StringBuilder(bytes);
    while (text.length() < bytes) {
      text.append((char) ('!' + random.nextInt(94)));
    }
    return text.toString();
  }

  static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b & 0xff));
    }
    return hex.toString();
  }

  static String integer(Random random, long min, long max) {
    switch (random.nextInt(8)) {
      case 0:
        return String.valueOf(min);
      case 1:
        return String.valueOf(max);
      case 2:
        return "0";
      default:
        return String.valueOf(min + (long) Math.floor(random.nextDouble() * ((double) max - (double) min)));
    }
  }

  /** A decimal of at most {@code precision} digits, {@code scale} or fewer after the point (trailing zeros kept). */
  static String decimal(Random random, int precision, int scale) {
    String integer = digits(random, random.nextInt(precision - scale + 1));
    String fraction = digits(random, random.nextInt(scale + 1));
    String text = (integer.isEmpty() ? "0" : integer) + (fraction.isEmpty() ? "" : "." + fraction);
    return random.nextBoolean() && !text.matches("[0.]*") ? "-" + text : text;
  }

  private static String digits(Random random, int count) {
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < count; i++) {
      digits.append((char) ('0' + random.nextInt(10)));
    }
    return digits.toString();
  }

  static String date(Random random) {
    return LocalDate.of(1900, 1, 1).plusDays(random.nextInt(73_000)).toString();
  }

  static String timestamp(Random random) {
    LocalDateTime time = LocalDateTime.of(1970, 1, 1, 0, 0).plusSeconds(random.nextInt(2_000_000_000))
        .withNano(random.nextInt(1_000_000) * 1000);
    return MICROS.format(time);
  }

  static String timestampWithOffset(Random random) {
    int quarterHours = random.nextInt(4 * 26) - 4 * 12;
    return timestamp(random) + ZoneOffset.ofTotalSeconds(quarterHours * 900).getId().replace("Z", "+00:00");
  }

  static String time(Random random) {
    long micros = (long) (random.nextDouble() * 86_400_000_000L);
    return String.format("%02d:%02d:%02d.%06d", micros / 3_600_000_000L, micros / 60_000_000 % 60,
        micros / 1_000_000 % 60, micros % 1_000_000);
  }

  /** A bit string of {@code length} bits, as PostgreSQL writes it ("0110..."). */
  static String bits(Random random, int length) {
    StringBuilder bits = new StringBuilder();
    for (int i = 0; i < length; i++) {
      bits.append(random.nextBoolean() ? '1' : '0');
    }
    return bits.toString();
  }

  static String uuid(Random random) {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** A small JSON object whose string member holds awkward characters. */
  static String json(Random random) {
    try {
      return JSON.writeValueAsString(java.util.Map.of(
          "n", random.nextInt(1000), "s", text(random, 4), "ok", random.nextBoolean()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PostgreSQL array literal of quoted elements (some NULL). */
  static String pgArray(Random random, java.util.function.Function<Random, String> element) {
    int size = random.nextInt(4);
    StringBuilder array = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      array.append(i == 0 ? "" : ",");
      String value = random.nextInt(6) == 0 ? null : element.apply(random);
      array.append(value == null ? "NULL" : '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    }
    return array.append('}').toString();
  }
}
