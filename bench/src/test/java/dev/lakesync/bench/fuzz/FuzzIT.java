package dev.lakesync.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential fuzz, a few seeds of it: random tables and changes applied to a real PostgreSQL and (where it is
 * installed) MariaDB, captured and processed as lakesync does, and the lake compared with the source value by value.
 * {@code ./lakesync bench fuzz} runs the same code with many seeds.
 */
class FuzzIT {
  @TempDir
  Path dir;

  @Test
  void theLakeEqualsTheSourceValueByValueAfterRandomSchemasAndChanges() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    long mismatches = FuzzMain.run(Path.of("..").toAbsolutePath().normalize(), dir, 101, 2, "all",
        new PrintStream(output, true, StandardCharsets.UTF_8));
    String text = output.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(text).contains("fuzz: seed=101 source=postgresql ").contains("fuzz: seed=102 source=postgresql ")
        .containsPattern("fuzz: seeds=2 tables=\\d+ changes=\\d+ mismatches=0");
    assertThat(mismatches).as(text).isZero();
  }
}
