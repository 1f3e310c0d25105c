package dev.lakesync.serving.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.config.ServingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stand-in for Cosmos DB and AI Search: one PostgreSQL table holding the documents of every declared type,
 * keyed by type and id for point reads, and beside each document its search fields ({@code search_doc}, filtered
 * on) and a full-text vector (GIN) of its searchable fields. PostgreSQL rather than an embedded Lucene index because
 * the embedded stack runs it already, several processes (the sync job, the CLI, the dashboard) can read and write it
 * at once, and a conditional upsert is one statement.
 *
 * <p>Documents are kept as {@code json}, the text as written: turning documents of a few kB into {@code jsonb} was
 * most of a write's time, and a point read returns the text as it is. So is the search projection: a list field
 * (every merchant of a customer) made its {@code jsonb} conversion a large part of a rebuild's write; filters read it
 * as {@code json}.
 *
 * <p>A delete leaves a tombstone holding its source position, so a late, older write cannot bring the document
 * back; reads skip tombstones.
 */
public final class LocalDocumentStore implements DocumentSink, DocumentLookup, DocumentSearch {
  static final String TABLE = "lakesync_documents";
  private static final int CHUNK = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  /** PostgreSQL's limits for a tsvector: a lexeme's length in bytes, and a position. */
  private static final int MAX_LEXEME_BYTES = 2046;
  private static final int MAX_POSITION = 16383;

  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + TABLE + " (doc_type text NOT NULL, id text NOT NULL, "
          + "partition_key text NOT NULL, source_pos text NOT NULL, deleted boolean NOT NULL, doc json, "
          + "search_doc json, search tsvector, synced_at timestamptz NOT NULL, PRIMARY KEY (doc_type, id))",
      // Documents are a few kB: compressing each one (pglz) cost more than writing it out of line as it is.
      "ALTER TABLE " + TABLE + " ALTER COLUMN doc SET STORAGE EXTERNAL",
      "CREATE INDEX IF NOT EXISTS " + TABLE + "_search ON " + TABLE + " USING gin (search)");

  // One statement per chunk; the WHERE declines a write older than the stored document, RETURNING tells which won.
  // The search vector comes as a tsvector literal (see searchVector).
  private static final String UPSERT = "INSERT INTO " + TABLE + " AS t (doc_type, id, partition_key, source_pos, "
      + "deleted, doc, search_doc, search, synced_at) SELECT u.doc_type, u.id, u.pk, u.pos, u.doc IS NULL, u.doc, "
      + "u.search_doc::json, u.search::tsvector, now() "
      + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::json[], ?::text[], ?::text[]) "
      + "AS u(doc_type, id, pk, pos, doc, search_doc, search) "
      + "ON CONFLICT (doc_type, id) DO UPDATE SET partition_key = EXCLUDED.partition_key, "
      + "source_pos = EXCLUDED.source_pos, deleted = EXCLUDED.deleted, doc = EXCLUDED.doc, "
      + "search_doc = EXCLUDED.search_doc, search = EXCLUDED.search, synced_at = EXCLUDED.synced_at "
      + "WHERE t.source_pos <= EXCLUDED.source_pos RETURNING t.deleted";

  // A large write goes out over this many connections at once: one PostgreSQL backend parsing documents was the
  // end of a rebuild.
  private static final int WRITERS = 2;
  private static final int MIN_PART = 250;

  private final ServingConfig.Local config;
  private final Connection connection;
  private final Map<String, List<String>> searchableByType;
  private final List<Connection> extraWriters = new ArrayList<>();
  private ExecutorService writerPool;

  private LocalDocumentStore(ServingConfig.Local config, Connection connection, List<DocumentType> types) {
    this.config = config;
    this.connection = connection;
    this.searchableByType = new HashMap<>();
    for (DocumentType type : types) {
      List<String> searchable = new ArrayList<>();
      type.searchFields().stream().filter(IndexField::searchable).forEach(field -> searchable.add(field.name()));
      searchableByType.put(type.name(), searchable);
    }
  }

  /** For reads: point reads, ids and search of any type. */
  public static LocalDocumentStore open(ServingConfig.Local config) throws SQLException {
    return open(config, List.of());
  }

  /**
   * For writes of these types (and reads). Connects, and creates the table when missing. The DDL runs only then:
   * ALTER TABLE and CREATE INDEX lock the table even when there is nothing to do, and wait behind autovacuum.
   */
  public static LocalDocumentStore open(ServingConfig.Local config, List<DocumentType> types) throws SQLException {
    Connection connection = connect(config);
    try {
      if (!tableExists(connection)) {
        try {
          inOneTransaction(connection, DDL);
        } catch (SQLException e) {
          if (!tableExists(connection)) {
            throw e;
          } // else another process (the sync, a lookup) created it at the same moment
        }
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new LocalDocumentStore(config, connection, types);
  }

  private static Connection connect(ServingConfig.Local config) throws SQLException {
    Properties properties = config.jdbcProperties();
    properties.setProperty("ApplicationName", "lakesync-serving");
    return DriverManager.getConnection(config.jdbcUrl(), properties);
  }

  private static boolean tableExists(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
      rows.next();
      return rows.getBoolean(1);
    }
  }

  private static void inOneTransaction(Connection connection, List<String> statements) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  @Override
  public String name() {
    return "local";
  }

  /**
   * Writes the newest document per type and id; a large list in parts side by side, each over its own connection
   * (ids are distinct across parts, so the parts never wait for one another's rows). Each statement commits on its
   * own: upserts are idempotent and the caller saves its progress only after the whole write returned.
   */
  @Override
  public SinkResult write(List<Document> documents) throws SQLException {
    List<Document> unique = newestPerId(documents);
    String[] vectors = new String[unique.size()];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = unique.get(i).isDelete() ? null : searchVector(unique.get(i));
    }
    int parts = Math.max(1, Math.min(WRITERS, unique.size() / MIN_PART));
    if (parts == 1) {
      return writeInChunks(connection, unique, vectors, 0);
    }
    int partSize = (unique.size() + parts - 1) / parts;
    List<Callable<SinkResult>> tasks = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      Connection writer = writer(part);
      int from = part * partSize;
      List<Document> slice = unique.subList(from, Math.min(unique.size(), (part + 1) * partSize));
      tasks.add(() -> writeInChunks(writer, slice, vectors, from));
    }
    try {
      SinkResult result = SinkResult.empty();
      for (SinkResult partResult : SideBySide.runAll(writerPool, tasks)) {
        result = result.plus(partResult);
      }
      return result;
    } catch (SQLException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while writing documents", e);
    } catch (Exception e) {
      throw new SQLException(e.getMessage(), e);
    }
  }

  /** Part {@code index} of a write goes over this connection: the store's own for the first, others opened once. */
  private synchronized Connection writer(int index) throws SQLException {
    if (index == 0) {
      return connection;
    }
    while (extraWriters.size() < index) {
      extraWriters.add(connect(config));
    }
    if (writerPool == null) {
      writerPool = SideBySide.pool("lakesync-local-store-writer", WRITERS);
    }
    return extraWriters.get(index - 1);
  }

  /** {@code vectors[offset + i]} is the search vector of {@code documents[i]}. */
  private static SinkResult writeInChunks(Connection connection, List<Document> documents, String[] vectors,
      int offset) throws SQLException {
    SinkResult result = SinkResult.empty();
    for (int from = 0; from < documents.size(); from += CHUNK) {
      int to = Math.min(documents.size(), from + CHUNK);
      result = result.plus(writeChunk(connection, documents.subList(from, to), vectors, offset + from));
    }
    return result;
  }

  private static SinkResult writeChunk(Connection connection, List<Document> chunk, String[] vectors, int offset)
      throws SQLException {
    int size = chunk.size();
    String[][] columns = new String[7][size];
    for (int i = 0; i < size; i++) {
      Document document = chunk.get(i);
      columns[0][i] = document.type();
      columns[1][i] = document.id();
      columns[2][i] = document.partitionKey();
      columns[3][i] = document.sourcePos();
      columns[4][i] = document.json();
      columns[5][i] = document.searchJson();
      columns[6][i] = vectors[offset + i];
    }
    long upserted = 0;
    long deleted = 0;
    try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
      for (int i = 0; i < columns.length; i++) {
        statement.setArray(i + 1, connection.createArrayOf("text", columns[i]));
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

  /**
   * The document's search vector as a tsvector literal: the words of its searchable fields (texts, or lists of
   * texts), lower-cased, split exactly as {@link #prefixQuery} splits a search, so that every word a search can name
   * is indexed as that search spells it. The fields weigh in the order declared (A, B, C, then D), so a hit in the
   * first ranks highest. Made here rather than by {@code to_tsvector}, which ran PostgreSQL's full
   * text-search parser once per field and document.
   */
  String searchVector(Document document) throws SQLException {
    List<String> searchable = searchableByType.get(document.type());
    if (searchable == null) {
      throw new IllegalArgumentException("document type '" + document.type() + "' was not declared to this store "
          + "(declared: " + String.join(", ", searchableByType.keySet()) + ")");
    }
    StringBuilder vector = new StringBuilder(256);
    if (searchable.isEmpty()) {
      return "";
    }
    try {
      JsonNode fields = JSON.readTree(document.searchJson());
      int position = 0;
      for (int i = 0; i < searchable.size(); i++) {
        char weight = "ABCD".charAt(Math.min(i, 3));
        JsonNode value = fields.path(searchable.get(i));
        if (value.isArray()) {
          for (JsonNode element : value) {
            position = addWords(vector, position, element.isValueNode() ? element.asText(null) : null, weight);
          }
        } else if (value.isValueNode()) {
          position = addWords(vector, position, value.asText(null), weight);
        }
      }
    } catch (IOException e) { // Jackson's parse errors included
      throw new SQLException(document + ": search fields are not a JSON object: " + e.getMessage(), e);
    }
    return vector.toString();
  }

  /** Appends the words of {@code text} after {@code position}; returns the last position used. */
  private static int addWords(StringBuilder vector, int position, String text, char weight) {
    if (text == null) {
      return position;
    }
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      String word = matcher.group();
      // A UTF-8 character is at most 3 bytes per Java char: only a long word can pass PostgreSQL's limit.
      if (word.length() * 3 > MAX_LEXEME_BYTES && word.getBytes(StandardCharsets.UTF_8).length > MAX_LEXEME_BYTES) {
        continue; // PostgreSQL refuses longer words; to_tsvector skips them too
      }
      position = Math.min(position + 1, MAX_POSITION);
      // Words hold only letters and digits: no quote or backslash to escape.
      vector.append(vector.length() == 0 ? "" : " ").append('\'').append(word).append("':").append(position)
          .append(weight);
    }
    return position;
  }

  /** One statement may touch a row once: keep the newest document per type and id. */
  static List<Document> newestPerId(List<Document> documents) {
    Map<String, Document> newest = new LinkedHashMap<>();
    for (Document document : documents) {
      newest.merge(document.type() + "\u0000" + document.id(), document,
          (a, b) -> a.sourcePos().compareTo(b.sourcePos()) > 0 ? a : b);
    }
    return new ArrayList<>(newest.values());
  }

  @Override
  public Optional<String> get(String type, String id, String partitionKey) throws SQLException {
    String sql = "SELECT doc::text FROM " + TABLE + " WHERE doc_type = ? AND id = ? AND NOT deleted"
        + (partitionKey == null ? "" : " AND partition_key = ?");
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, type);
      statement.setString(2, id);
      if (partitionKey != null) {
        statement.setString(3, partitionKey);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  @Override
  public Set<String> ids(String type) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT id FROM " + TABLE + " WHERE doc_type = ? AND NOT deleted")) {
      statement.setString(1, type);
      Set<String> ids = new HashSet<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
      return ids;
    }
  }

  /**
   * Searchable words as prefixes, ranked; each filter compares the field's value as text (on a list field: any
   * element). Field names are bound as values, never pasted into the SQL.
   */
  @Override
  public List<String> search(SearchQuery query) throws SQLException {
    String prefixQuery = prefixQuery(query.text());
    StringBuilder sql = new StringBuilder("SELECT doc::text FROM " + TABLE + " WHERE doc_type = ? AND NOT deleted");
    List<Object> values = new ArrayList<>();
    values.add(query.type());
    if (prefixQuery != null) {
      sql.append(" AND search @@ ?::tsquery");
      values.add(prefixQuery);
    }
    for (Map.Entry<String, String> filter : query.filters().entrySet()) {
      sql.append(" AND EXISTS (SELECT 1 FROM json_array_elements_text(CASE WHEN json_typeof(search_doc::json -> ?) = "
          + "'array' THEN search_doc::json -> ? ELSE json_build_array(search_doc::json -> ?) END) e WHERE e = ?)");
      values.add(filter.getKey());
      values.add(filter.getKey());
      values.add(filter.getKey());
      values.add(filter.getValue());
    }
    if (prefixQuery != null) {
      sql.append(" ORDER BY ts_rank(search, ?::tsquery) DESC, id");
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

  /**
   * "Ann Smi" becomes the tsquery literal "'ann':* & 'smi':*": every word, lower-cased, as a prefix; no text-search
   * parser in between, so a search's words are split exactly as {@link #searchVector} split the indexed ones. Null
   * when the text has no word at all.
   */
  static String prefixQuery(String text) {
    List<String> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      words.add("'" + matcher.group() + "':*"); // letters and digits only: nothing to escape
    }
    return words.isEmpty() ? null : String.join(" & ", words);
  }

  /** Live documents of the type (tombstones not counted), for the benchmark and tests. */
  public long count(String type) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT count(*) FROM " + TABLE + " WHERE doc_type = ? AND NOT deleted")) {
      statement.setString(1, type);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Override
  public void close() {
    if (writerPool != null) {
      writerPool.shutdownNow();
    }
    List<Connection> all = new ArrayList<>(extraWriters);
    all.add(connection);
    for (Connection each : all) {
      try {
        each.close();
      } catch (SQLException e) {
        // closing: nothing left to save
      }
    }
  }
}
