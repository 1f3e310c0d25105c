package dev.lakesync.lake;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system without its shell commands. Without Hadoop's native library (which Maven's jars do not
 * carry) {@link RawLocalFileSystem} starts a {@code chmod} process for every file it creates and a {@code readlink}
 * process for both paths of every rename, each with its {@code .crc} file: a Delta commit, a streaming checkpoint
 * file: dozens of processes per micro-batch. These classes set
 * permissions and tell symbolic links through {@code java.nio} instead, and leave everything else (and anything
 * unusual: a symbolic link, a sticky bit, a file system without POSIX permissions) to Hadoop's own code.
 * {@link SparkSessions} installs them for local runs: {@link FileSystem} as {@code fs.file.impl}, {@link Fs} (what
 * {@code FileContext} uses: Spark's checkpoint files, Delta's log store) as {@code fs.AbstractFileSystem.file.impl}.
 */
public final class ShellFreeLocalFiles {
  private ShellFreeLocalFiles() {
  }

  /** The local {@code FileSystem}, with checksum files, as Hadoop's {@link LocalFileSystem}. */
  public static final class FileSystem extends LocalFileSystem {
    public FileSystem() {
      super(new Raw());
    }
  }

  /** The local {@code AbstractFileSystem}, with checksum files, as Hadoop's {@code LocalFs}. */
  public static final class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(uri, conf));
    }
  }

  /** As Hadoop's {@code RawLocalFs}, over {@link Raw}. */
  static final class RawFs extends DelegateToFileSystem {
    RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new Raw(), conf, "file", false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1; // no port
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true; // any name the local file system takes
    }
  }

  /** {@link RawLocalFileSystem} with the two shell commands of the write path done through java.nio. */
  static final class Raw extends RawLocalFileSystem {
    /** Permissions java.nio can set: read, write, execute for owner, group and others; no sticky bit. */
    private static final Pattern PLAIN = Pattern.compile("[r-][w-][x-][r-][w-][x-][r-][w-][x-]");

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      String symbolic = permission.toString();
      if (PLAIN.matcher(symbolic).matches()) {
        Set<PosixFilePermission> posix = PosixFilePermissions.fromString(symbolic);
        try {
          Files.setPosixFilePermissions(pathToFile(p).toPath(), posix);
          return;
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: Hadoop's way below
        }
      }
      super.setPermission(p, permission);
    }

    /**
     * For a path that is not a symbolic link Hadoop answers its {@code getFileStatus}, after asking {@code readlink};
     * a link (or a dangling one) still goes to Hadoop.
     */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (Files.isSymbolicLink(pathToFile(f).toPath())) {
        return super.getFileLinkStatus(f);
      }
      return getFileStatus(f);
    }
  }
}
