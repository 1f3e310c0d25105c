package dev.lakesync.serving.sinks;

import dev.lakesync.common.config.ServingConfig;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stand-in for Cosmos DB and AI Search: one PostgreSQL table of JSONB documents with a primary key for
 * point reads and a weighted full-text vector (GIN) for search. PostgreSQL rather than an embedded Lucene index
 * because the embedded stack runs it already, several processes (the sync job, the CLI, the dashboard) can read
 * and write it at once, and a conditional upsert is one statement.
 *
 * <p>A delete leaves a tombstone holding its source position, so a late, older write cannot bring the document
 * back; reads skip tombstones.
 */
public final class LocalDocumentStore implements DocumentSink, DocumentLookup, DocumentSearch {
  static final String TABLE = "customer_documents";
  private static final int CHUNK = 1000;
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + "id text PRIMARY KEY, partition_key text NOT NULL, source_pos text NOT NULL, deleted boolean NOT NULL, "
          + "doc jsonb, search tsvector, synced_at timestamptz NOT NULL)",
      // Documents are a few kB: compressing each one (pglz) cost more than writing it out of line as it is.
      "ALTER TABLE " + TABLE + " ALTER COLUMN doc SET STORAGE EXTERNAL",
      "CREATE INDEX IF NOT EXISTS " + TABLE + "_search ON " + TABLE + " USING gin (search)");

  // Name and email (also split at @ and dots) weigh more than merchants.
  private static final String SEARCH_VECTOR =
      "setweight(to_tsvector('simple', coalesce(u.doc->'profile'->>'name', '')), 'A')"
          + " || setweight(to_tsvector('simple', coalesce(u.doc->'profile'->>'email', '') || ' '"
          + " || translate(coalesce(u.doc->'profile'->>'email', ''), '@.', '  ')), 'A')"
          + " || setweight(to_tsvector('simple', coalesce((SELECT string_agg(m, ' ')"
          + " FROM jsonb_array_elements_text(u.doc->'merchants') m), '')), 'B')";

  // One statement per chunk (each document parsed once, as an element of a jsonb[]); the WHERE declines a write older than the stored document, RETURNING tells which won.
  private static final String UPSERT = "INSERT INTO " + TABLE + " AS t (id, partition_key, source_pos, deleted, doc, "
      + "search, synced_at) SELECT u.id, u.pk, u.pos, u.doc IS NULL, u.doc, CASE WHEN u.doc IS NULL THEN NULL "
      + "ELSE " + SEARCH_VECTOR + " END, now() FROM unnest(?::text[], ?::text[], ?::text[], ?::jsonb[]) AS u(id, pk, pos, doc) "
      + "ON CONFLICT (id) DO UPDATE SET partition_key = EXCLUDED.partition_key, source_pos = EXCLUDED.source_pos, "
      + "deleted = EXCLUDED.deleted, doc = EXCLUDED.doc, search = EXCLUDED.search, synced_at = EXCLUDED.synced_at "
      + "WHERE t.source_pos <= EXCLUDED.source_pos RETURNING t.deleted";

  private final Connection connection;

  private LocalDocumentStore(Connection connection) {
    this.connection = connection;
  }

  /** Connects and creates the table when missing. */
  public static LocalDocumentStore open(ServingConfig.Local config) throws SQLException {
    Properties properties = config.jdbcProperties();
    properties.setProperty("ApplicationName", "lakesync-serving");
    Connection connection = DriverManager.getConnection(config.jdbcUrl(), properties);
    try (Statement statement = connection.createStatement()) {
      for (String sql : DDL) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new LocalDocumentStore(connection);
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public SinkResult write(List<CustomerDocument> documents) throws SQLException {
    SinkResult result = SinkResult.empty();
    List<CustomerDocument> unique = newestPerId(documents);
    for (int from = 0; from < unique.size(); from += CHUNK) {
      result = result.plus(writeChunk(unique.subList(from, Math.min(unique.size(), from + CHUNK))));
    }
    return result;
  }

  private SinkResult writeChunk(List<CustomerDocument> chunk) throws SQLException {
    int size = chunk.size();
    String[] ids = new String[size];
    String[] keys = new String[size];
    String[] positions = new String[size];
    String[] docs = new String[size];
    for (int i = 0; i < size; i++) {
      CustomerDocument document = chunk.get(i);
      ids[i] = document.id();
      keys[i] = document.partitionKey();
      positions[i] = document.sourcePos();
      docs[i] = document.json();
    }
    long upserted = 0;
    long deleted = 0;
    try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
      Array[] arrays = {connection.createArrayOf("text", ids), connection.createArrayOf("text", keys),
          connection.createArrayOf("text", positions), connection.createArrayOf("text", docs)};
      for (int i = 0; i < arrays.length; i++) {
        statement.setArray(i + 1, arrays[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (rows.getBoolean(1)) {
            deleted++;
          } else {
            upserted++;
          }
        }
      }
    }
    return new SinkResult(upserted, deleted, size - upserted - deleted, 0, 0);
  }

  /** One statement may touch a row once: keep each id's newest document. */
  static List<CustomerDocument> newestPerId(List<CustomerDocument> documents) {
    Map<String, CustomerDocument> newest = new LinkedHashMap<>();
    for (CustomerDocument document : documents) {
      newest.merge(document.id(), document, (a, b) -> a.sourcePos().compareTo(b.sourcePos()) > 0 ? a : b);
    }
    return new ArrayList<>(newest.values());
  }

  @Override
  public Optional<String> get(String id, String partitionKey) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT doc::text FROM " + TABLE + " WHERE id = ? AND partition_key = ? AND NOT deleted")) {
      statement.setString(1, id);
      statement.setString(2, partitionKey);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  @Override
  public List<String> search(SearchQuery query) throws SQLException {
    String prefixQuery = prefixQuery(query.text());
    StringBuilder sql = new StringBuilder("SELECT doc::text FROM " + TABLE + " WHERE NOT deleted");
    List<Object> values = new ArrayList<>();
    if (prefixQuery != null) {
      sql.append(" AND search @@ to_tsquery('simple', ?)");
      values.add(prefixQuery);
    }
    if (query.segment() != null) {
      sql.append(" AND doc->'profile'->>'segment' = ?");
      values.add(query.segment());
    }
    if (query.currency() != null) {
      sql.append(" AND jsonb_exists(doc->'currencies', ?)");
      values.add(query.currency());
    }
    if (query.minBalance() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM jsonb_array_elements(doc->'accounts') a"
          + " WHERE (a->>'balance')::numeric >= ?)");
      values.add(query.minBalance());
    }
    if (prefixQuery != null) {
      sql.append(" ORDER BY ts_rank(search, to_tsquery('simple', ?)) DESC, id");
      values.add(prefixQuery);
    } else {
      sql.append(" ORDER BY id");
    }
    sql.append(" LIMIT ?");
    values.add(query.top());
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < values.size(); i++) {
        statement.setObject(i + 1, values.get(i));
      }
      List<String> found = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
        }
      }
      return found;
    }
  }

  /** "ann smi" becomes "ann:* & smi:*": every word, as a prefix. Null when the text has no word at all. */
  static String prefixQuery(String text) {
    List<String> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      words.add(matcher.group() + ":*");
    }
    return words.isEmpty() ? null : String.join(" & ", words);
  }

  /** Live documents (tombstones not counted), for verify and the benchmark. */
  public long count() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE NOT deleted")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing: nothing left to save
    }
  }
}
