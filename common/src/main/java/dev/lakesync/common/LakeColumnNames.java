package dev.lakesync.common;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a source column's name becomes the validated table's column name. Any name a database allows must reach the
 * lake (a space, an accent, a dollar sign, two names differing only in case), while the lake's names must be plain
 * identifiers that every reader quotes alike and that Delta and Spark treat as distinct (they ignore case).
 *
 * <ul>
 *   <li>A plain identifier (a letter or underscore, then letters, digits and underscores) is kept as it is.</li>
 *   <li>Any other name is spelled plainly: accents are dropped ({@code größe} becomes {@code grosse}), every run of
 *       other characters becomes one underscore ({@code Order Date} becomes {@code Order_Date}, {@code price$}
 *       becomes {@code price_}), a name starting with a digit gets {@code c_} in front, and it is cut to 120
 *       characters.</li>
 *   <li>A name that equals, ignoring case, a metadata column ({@link #RESERVED}) or a name given before gets the
 *       first free suffix {@code _2}, {@code _3}, ... Plain names are given before spelled ones, each group in column
 *       order, and a table's existing columns keep the names they have.</li>
 * </ul>
 *
 * The mapping is one-to-one; the processor records a renamed column's source name in the column's metadata
 * ({@link #SOURCE_NAME}), so that readers can map back.
 */
public final class LakeColumnNames {
  /** The key of a validated table column's metadata that holds its source name when the two differ. */
  public static final String SOURCE_NAME = "lakesync.source_name";

  /** The metadata columns of every validated table, after its data columns. */
  public static final List<String> METADATA = List.of("_op", "_source_ts_ms", "_source_pos", "_ingested_at");

  /**
   * Names the validated tables and the processor's working rows use themselves: the metadata columns, the record's
   * identity in the batch and the checks' results.
   */
  public static final List<String> RESERVED = java.util.stream.Stream.concat(METADATA.stream(), java.util.stream.Stream.of(
      "_kafka_topic", "_kafka_partition", "_kafka_offset", "_schema_id", "_oversized", "_event", "_checks", "_reasons", "_dropped",
      "_failed_rule", "_newest", "_toast_reason")).collect(java.util.stream.Collectors.toUnmodifiableList());

  private static final int MAX = 120;

  private LakeColumnNames() {
  }

  /**
   * Lake names for {@code sourceNames} (in column order), given the {@code existing} columns (source name to lake
   * name) a table has; the result holds every existing and every new source name.
   */
  public static Map<String, String> assign(Collection<String> sourceNames, Map<String, String> existing) {
    Map<String, String> names = new LinkedHashMap<>(existing);
    Set<String> taken = new HashSet<>();
    RESERVED.forEach(name -> taken.add(fold(name)));
    existing.values().forEach(name -> taken.add(fold(name)));
    List<String> spelled = new ArrayList<>();
    for (String source : sourceNames) {
      if (names.containsKey(source)) {
        continue;
      }
      if (Identifiers.isValid(source)) {
        names.put(source, free(source, taken));
      } else {
        spelled.add(source);
      }
    }
    for (String source : spelled) {
      names.put(source, free(plain(source), taken));
    }
    return names;
  }

  /** {@code name}, or with the first suffix that makes it free; marks the result taken. */
  private static String free(String name, Set<String> taken) {
    String candidate = name;
    String stem = name.length() > MAX ? name.substring(0, MAX) : name;
    for (int suffix = 2; !taken.add(fold(candidate)); suffix++) {
      candidate = stem + "_" + suffix;
    }
    return candidate;
  }

  /** A plain identifier spelled from any name. */
  static String plain(String source) {
    String ascii = Normalizer.normalize(source.replace("ß", "ss").replace("ẞ", "SS"), Normalizer.Form.NFKD)
        .replaceAll("\\p{M}+", "");
    String name = ascii.replaceAll("[^A-Za-z0-9_]+", "_");
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      name = "c_" + name;
    }
    return name.length() > MAX ? name.substring(0, MAX) : name;
  }

  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
