package dev.lakesync.serving.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.config.ServingConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stand-in for Cosmos DB and AI Search: one PostgreSQL table of documents with a primary key for point
 * reads, and beside each document the fields AI Search would index ({@link SearchFields}): a weighted full-text
 * vector (GIN) of name, email and merchants, and segment, currencies and largest balance to filter on. PostgreSQL
 * rather than an embedded Lucene index because the embedded stack runs it already, several processes (the sync job,
 * the CLI, the dashboard) can read and write it at once, and a conditional upsert is one statement.
 *
 * <p>Documents are kept as {@code json}, the text as written: turning 3-4 kB documents into {@code jsonb} was most of
 * a write's time (measured: 20,000 documents in 2.3 s as jsonb, 0.9 s as json, search fields included), and a point
 * read returns the text as it is. The search fields come from the client's streaming parse of the document.
 *
 * <p>A delete leaves a tombstone holding its source position, so a late, older write cannot bring the document
 * back; reads skip tombstones.
 */
public final class LocalDocumentStore implements DocumentSink, DocumentLookup, DocumentSearch {
  static final String TABLE = "customer_documents";
  private static final int CHUNK = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  /** PostgreSQL's limits for a tsvector: a lexeme's length in bytes, and a position. */
  private static final int MAX_LEXEME_BYTES = 2046;
  private static final int MAX_POSITION = 16383;

  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + "id text PRIMARY KEY, partition_key text NOT NULL, source_pos text NOT NULL, deleted boolean NOT NULL, "
          + "doc json, search tsvector, segment text, currencies jsonb, max_balance numeric, "
          + "synced_at timestamptz NOT NULL)",
      // Documents are a few kB: compressing each one (pglz) cost more than writing it out of line as it is.
      "ALTER TABLE " + TABLE + " ALTER COLUMN doc SET STORAGE EXTERNAL",
      "CREATE INDEX IF NOT EXISTS " + TABLE + "_search ON " + TABLE + " USING gin (search)");

  // A table written by an earlier version (doc jsonb, no filter columns) is brought to this layout once.
  private static final List<String> FROM_JSONB = List.of(
      "ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS segment text, ADD COLUMN IF NOT EXISTS currencies jsonb, "
          + "ADD COLUMN IF NOT EXISTS max_balance numeric",
      "UPDATE " + TABLE + " SET segment = doc->'profile'->>'segment', currencies = doc->'currencies', "
          + "max_balance = (SELECT max((a->>'balance')::numeric) FROM jsonb_array_elements(doc->'accounts') a) "
          + "WHERE doc IS NOT NULL",
      "ALTER TABLE " + TABLE + " ALTER COLUMN doc TYPE json USING doc::json");

  // One statement per chunk; the WHERE declines a write older than the stored document, RETURNING tells which won.
  // The search vector comes as a tsvector literal (see searchVector).
  private static final String UPSERT = "INSERT INTO " + TABLE + " AS t (id, partition_key, source_pos, deleted, doc, "
      + "search, segment, currencies, max_balance, synced_at) SELECT u.id, u.pk, u.pos, u.doc IS NULL, u.doc, "
      + "u.search::tsvector, u.segment, u.currencies::jsonb, u.max_balance::numeric, now() "
      + "FROM unnest(?::text[], ?::text[], ?::text[], ?::json[], ?::text[], ?::text[], ?::text[], ?::text[]) "
      + "AS u(id, pk, pos, doc, search, segment, currencies, max_balance) "
      + "ON CONFLICT (id) DO UPDATE SET partition_key = EXCLUDED.partition_key, source_pos = EXCLUDED.source_pos, "
      + "deleted = EXCLUDED.deleted, doc = EXCLUDED.doc, search = EXCLUDED.search, segment = EXCLUDED.segment, "
      + "currencies = EXCLUDED.currencies, max_balance = EXCLUDED.max_balance, synced_at = EXCLUDED.synced_at "
      + "WHERE t.source_pos <= EXCLUDED.source_pos RETURNING t.deleted";

  // A large write goes out over this many connections at once: one PostgreSQL backend parsing documents was the
  // end of a rebuild (measured: 20,000 documents' write tail 1.5 s on one connection, see README).
  private static final int WRITERS = 2;
  private static final int MIN_PART = 250;

  private final ServingConfig.Local config;
  private final Connection connection;
  private final List<Connection> extraWriters = new ArrayList<>();
  private ExecutorService writerPool;

  private LocalDocumentStore(ServingConfig.Local config, Connection connection) {
    this.config = config;
    this.connection = connection;
  }

  /**
   * Connects, and creates the table when missing (or brings an earlier version's to this layout). The DDL runs only
   * then: ALTER TABLE and CREATE INDEX lock the table even when there is nothing to do, and waited behind autovacuum
   * (seen: a second sync's start delayed by about two seconds right after a first one wrote 20,000 documents).
   */
  public static LocalDocumentStore open(ServingConfig.Local config) throws SQLException {
    Connection connection = connect(config);
    try {
      String docType = docType(connection);
      if (docType == null) {
        try {
          inOneTransaction(connection, DDL);
        } catch (SQLException e) {
          if (docType(connection) == null) {
            throw e;
          } // else another process (the sync, a lookup) created it at the same moment
        }
      } else if (docType.equals("jsonb")) {
        inOneTransaction(connection, FROM_JSONB);
      }
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new LocalDocumentStore(config, connection);
  }

  private static Connection connect(ServingConfig.Local config) throws SQLException {
    Properties properties = config.jdbcProperties();
    properties.setProperty("ApplicationName", "lakesync-serving");
    return DriverManager.getConnection(config.jdbcUrl(), properties);
  }

  /** The type of the table's {@code doc} column, or null when the table does not exist (in the search path). */
  private static String docType(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass('" + TABLE + "') "
            + "AND attname = 'doc'")) {
      return rows.next() ? rows.getString(1) : null;
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
   * Writes the newest document per id; a large list in parts side by side, each over its own connection (ids are
   * distinct across parts, so the parts never wait for one another's rows). Each statement commits on its own:
   * upserts are idempotent and the caller saves its progress only after the whole write returned.
   */
  @Override
  public SinkResult write(List<CustomerDocument> documents) throws SQLException {
    List<CustomerDocument> unique = newestPerId(documents);
    int parts = Math.max(1, Math.min(WRITERS, unique.size() / MIN_PART));
    if (parts == 1) {
      return writeInChunks(connection, unique);
    }
    int partSize = (unique.size() + parts - 1) / parts;
    List<Callable<SinkResult>> tasks = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      Connection writer = writer(part);
      List<CustomerDocument> slice = unique.subList(part * partSize, Math.min(unique.size(), (part + 1) * partSize));
      tasks.add(() -> writeInChunks(writer, slice));
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

  private static SinkResult writeInChunks(Connection connection, List<CustomerDocument> documents)
      throws SQLException {
    SinkResult result = SinkResult.empty();
    for (int from = 0; from < documents.size(); from += CHUNK) {
      result = result.plus(writeChunk(connection, documents.subList(from, Math.min(documents.size(), from + CHUNK))));
    }
    return result;
  }

  private static SinkResult writeChunk(Connection connection, List<CustomerDocument> chunk) throws SQLException {
    int size = chunk.size();
    String[][] columns = new String[8][size];
    for (int i = 0; i < size; i++) {
      CustomerDocument document = chunk.get(i);
      columns[0][i] = document.id();
      columns[1][i] = document.partitionKey();
      columns[2][i] = document.sourcePos();
      columns[3][i] = document.json();
      if (!document.isDelete()) {
        searchColumns(document, columns, i);
      }
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

  /** Columns 4 to 7 of row {@code i}: the search vector, segment, currencies, largest balance. */
  private static void searchColumns(CustomerDocument document, String[][] columns, int i) throws SQLException {
    try {
      SearchFields fields = SearchFields.of(document.json());
      columns[4][i] = searchVector(fields);
      columns[5][i] = fields.segment;
      columns[6][i] = JSON.writeValueAsString(fields.currencies);
      BigDecimal maxBalance = fields.maxBalance();
      columns[7][i] = maxBalance == null ? null : maxBalance.toPlainString();
    } catch (IOException e) { // Jackson's parse errors included
      throw new SQLException("customer document " + document.id() + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * The document's search vector as a tsvector literal: the words of name and email (weight A) and of the merchants
   * (weight B), lower-cased, split exactly as {@link #prefixQuery} splits a search, so that every word a search can
   * name is indexed as that search spells it. Made here rather than by {@code to_tsvector}, which ran PostgreSQL's
   * full text-search parser three times per document (in a write of 20,000 documents: 1.58 s with it, 0.91 s
   * without the vector at all).
   */
  static String searchVector(SearchFields fields) {
    StringBuilder vector = new StringBuilder(256);
    int position = addWords(vector, 0, fields.name, 'A');
    position = addWords(vector, position, fields.email, 'A');
    for (String merchant : fields.merchants) {
      position = addWords(vector, position, merchant, 'B');
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
        continue; // PostgreSQL refuses longer words; to_tsvector skipped them too
      }
      position = Math.min(position + 1, MAX_POSITION);
      // Words hold only letters and digits: no quote or backslash to escape.
      vector.append(vector.length() == 0 ? "" : " ").append('\'').append(word).append("':").append(position)
          .append(weight);
    }
    return position;
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
      sql.append(" AND search @@ ?::tsquery");
      values.add(prefixQuery);
    }
    if (query.segment() != null) {
      sql.append(" AND segment = ?");
      values.add(query.segment());
    }
    if (query.currency() != null) {
      sql.append(" AND jsonb_exists(currencies, ?)");
      values.add(query.currency());
    }
    if (query.minBalance() != null) {
      sql.append(" AND max_balance >= ?");
      values.add(query.minBalance());
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
