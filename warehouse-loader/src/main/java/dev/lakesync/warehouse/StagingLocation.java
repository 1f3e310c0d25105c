package dev.lakesync.warehouse;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a Synapse load stages its Parquet files, seen two ways: the {@code abfss://} URI Spark writes to and the
 * {@code https://<account>.dfs.<suffix>/<container>/<path>} URL the dedicated SQL pool's COPY INTO reads (it takes no
 * {@code abfss://} location, and reads Parquet with its managed identity only through the Data Lake endpoint).
 */
final class StagingLocation {
  private static final Pattern ABFS = Pattern.compile("abfss?://([^@/]+)@([^./]+)\\.(?:dfs|blob)\\.([^/]+)(/.*)?");
  private static final Pattern HTTPS = Pattern.compile("https://([^./]+)\\.(?:dfs|blob)\\.([^/]+)/([^/]+)(/.*)?");

  private final String sparkBase;
  private final String copyBase;

  StagingLocation(String sparkBase, String copyBase) {
    this.sparkBase = trimSlash(sparkBase);
    this.copyBase = trimSlash(copyBase);
  }

  /**
   * From {@code warehouse.stagingUri}: {@code abfss://container@account.dfs.core.windows.net/path} or the same
   * place as {@code https://account.dfs.core.windows.net/container/path} (a blob endpoint is read as the account's
   * Data Lake endpoint).
   */
  static StagingLocation of(URI configured) {
    String text = configured.toString();
    Matcher abfs = ABFS.matcher(text);
    if (abfs.matches()) {
      return at(abfs.group(2), abfs.group(3), abfs.group(1), abfs.group(4));
    }
    Matcher https = HTTPS.matcher(text);
    if (https.matches()) {
      return at(https.group(1), https.group(2), https.group(3), https.group(4));
    }
    throw new dev.lakesync.common.cli.StageMain.ConfigProblem("warehouse.stagingUri: expected abfss://<container>@<account>.dfs.core.windows.net/"
        + "<path> (or https://<account>.dfs.core.windows.net/<container>/<path>), got '" + text + "'");
  }

  private static StagingLocation at(String account, String suffix, String container, String path) {
    String rest = path == null ? "" : path;
    return new StagingLocation("abfss://" + container + "@" + account + ".dfs." + suffix + rest,
        "https://" + account + ".dfs." + suffix + "/" + container + rest);
  }

  /** The folder Spark writes {@code relative} to. */
  String sparkFolder(String relative) {
    return sparkBase + "/" + relative;
  }

  /** The same folder as COPY INTO names it. */
  String copyFolder(String relative) {
    return copyBase + "/" + relative;
  }

  private static String trimSlash(String text) {
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
