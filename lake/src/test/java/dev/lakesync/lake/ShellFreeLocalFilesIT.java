package dev.lakesync.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs' local Spark sessions write Delta tables and streaming checkpoints without starting a single process
 * (Hadoop's own local file system starts {@code chmod} and {@code readlink} for them; counted here with JFR's
 * process events), and the files come out as Hadoop makes them: same permissions, same answers about links.
 */
class ShellFreeLocalFilesIT {
  @TempDir
  Path dir;

  @Test
  void deltaCommitsAndStreamingCheckpointsStartNoProcess() throws Exception {
    SparkSession spark = LocalSpark.start(dir.resolve("lake"), "lakesync-shell-free-it");
    try {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      assertThat(FileSystem.get(URI.create("file:///"), hadoop)).isInstanceOf(ShellFreeLocalFiles.FileSystem.class);
      assertThat(FileContext.getFileContext(URI.create("file:///"), hadoop).getDefaultFileSystem())
          .isInstanceOf(ShellFreeLocalFiles.Fs.class);
      String source = dir.resolve("source").toString();
      String target = dir.resolve("target").toString();
      spark.range(0, 100).selectExpr("id", "id * 2 AS value").write().format("delta").save(source);
      spark.range(0, 10).selectExpr("id", "-1L AS value").write().format("delta").save(target);

      List<RecordedEvent> started = processesStartedWhile(() -> {
        spark.range(100, 150).selectExpr("id", "id * 2 AS value").write().format("delta").mode("append").save(source);
        // A streaming query with its checkpoint (offsets, commits) MERGEing every batch into the target.
        VoidFunction2<Dataset<Row>, Long> merge = (batch, batchId) -> DeltaTable.forPath(batch.sparkSession(), target)
            .as("t").merge(batch.as("s"), "t.id = s.id").whenMatched().updateAll().whenNotMatched().insertAll().execute();
        spark.readStream().format("delta").option("maxFilesPerTrigger", 1).load(source).writeStream()
            .option("checkpointLocation", dir.resolve("checkpoint").toString())
            .trigger(Trigger.AvailableNow()).foreachBatch(merge).start().awaitTermination(TimeUnit.MINUTES.toMillis(3));
      });

      // Spark asks the page size once per JVM, when it first reads its own process metrics.
      assertThat(started).extracting(event -> event.getString("command")).filteredOn(command -> !command.equals("getconf PAGESIZE"))
          .isEmpty();
      Dataset<Row> merged = spark.read().format("delta").load(target);
      assertThat(merged.count()).isEqualTo(150);
      assertThat(merged.where("value = id * 2").count()).isEqualTo(150);
      assertThat(Files.list(dir.resolve("checkpoint/commits")).filter(file -> !file.getFileName().toString().startsWith("."))
          .count()).isGreaterThan(1); // one source file a batch: several batches, each committed
      // As Hadoop's own: 0666 for files, 0777 for folders, less the umask (022 unless configured).
      Path data = Files.list(Path.of(target)).filter(file -> file.toString().endsWith(".parquet")).findFirst().orElseThrow();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rw-r--r--");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(target, "_delta_log"))))
          .isEqualTo("rwxr-xr-x");
    } finally {
      spark.stop();
    }
  }

  @Test
  void linkStatusesAndRenamesAnswerAsHadoopsOwn() throws Exception {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), file);
    Path folder = Files.createDirectories(dir.resolve("folder"));
    FileSystem ours = localFileSystem(ShellFreeLocalFiles.FileSystem.class);
    FileSystem hadoops = localFileSystem(org.apache.hadoop.fs.LocalFileSystem.class);
    assertThat(ours).isInstanceOf(ShellFreeLocalFiles.FileSystem.class);

    // Hadoop reads a link only from a path without a scheme ("file:/..." never is one to it): both kinds of path.
    for (Path local : List.of(file, link, folder, dir.resolve("missing"))) {
      for (org.apache.hadoop.fs.Path path : List.of(new org.apache.hadoop.fs.Path(local.toUri()),
          new org.apache.hadoop.fs.Path(local.toString()))) {
        assertThat(describe(ours, path)).as(path.toString()).isEqualTo(describe(hadoops, path));
      }
    }
    assertThat(describe(ours, new org.apache.hadoop.fs.Path(link.toString()))).startsWith("link to file:" + file);

    // A rename without overwrite refuses an existing target, with overwrite replaces it (what Delta's log store and
    // Spark's checkpoint files rely on).
    FileContext files = FileContext.getFileContext(URI.create("file:///"), ours.getConf());
    assertThat(files.getDefaultFileSystem()).isInstanceOf(ShellFreeLocalFiles.Fs.class);
    Path other = Files.writeString(dir.resolve("other.txt"), "yy");
    assertThatThrownBy(() -> files.rename(path(other), path(file)))
        .isInstanceOf(org.apache.hadoop.fs.FileAlreadyExistsException.class);
    files.rename(path(other), path(file), Options.Rename.OVERWRITE);
    assertThat(Files.readString(file)).isEqualTo("yy");
    assertThat(Files.exists(other)).isFalse();
  }

  private static FileSystem localFileSystem(Class<?> implementation) throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", implementation.getName());
    conf.set("fs.AbstractFileSystem.file.impl", ShellFreeLocalFiles.Fs.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return FileSystem.get(URI.create("file:///"), conf);
  }

  private static String describe(FileSystem fs, org.apache.hadoop.fs.Path path) throws Exception {
    try {
      FileStatus status = fs.getFileLinkStatus(path);
      return (status.isSymlink() ? "link to " + status.getSymlink() : status.isDirectory() ? "folder" : "file")
          + " " + status.getPath() + " length " + status.getLen();
    } catch (FileNotFoundException e) {
      return "missing";
    }
  }

  private static org.apache.hadoop.fs.Path path(Path local) {
    return new org.apache.hadoop.fs.Path(local.toUri());
  }

  private List<RecordedEvent> processesStartedWhile(ThrowingRunnable work) throws Exception {
    Path events = dir.resolve("processes.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ProcessStart").withStackTrace();
      recording.start();
      work.run();
      recording.stop();
      recording.dump(events);
    }
    return RecordingFile.readAllEvents(events).stream()
        .filter(event -> event.getEventType().getName().equals("jdk.ProcessStart")).collect(Collectors.toList());
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
