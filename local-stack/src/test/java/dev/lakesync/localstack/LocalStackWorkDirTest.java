package dev.lakesync.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackWorkDirTest {
  @TempDir
  Path dir;

  @Test
  void freshWipesAWorkFolderLakesyncCreated() throws Exception {
    Path work = dir.resolve("work");
    LocalStack.prepareWorkDir(work, false);
    Files.writeString(work.resolve("old-data"), "x");

    LocalStack.prepareWorkDir(work, true);

    assertThat(work.resolve("old-data")).doesNotExist();
    assertThat(work.resolve(".lakesync-workdir")).exists();
  }

  @Test
  void keepsDataWithoutFresh() throws Exception {
    Path work = dir.resolve("work");
    LocalStack.prepareWorkDir(work, false);
    Files.writeString(work.resolve("kept"), "x");

    LocalStack.prepareWorkDir(work, false);

    assertThat(work.resolve("kept")).exists();
  }

  @Test
  void refusesToWipeAFolderItDidNotCreate() throws Exception {
    Files.writeString(dir.resolve("someone-elses-file"), "precious");

    assertThatThrownBy(() -> LocalStack.prepareWorkDir(dir, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("refusing to wipe " + dir);
    assertThat(dir.resolve("someone-elses-file")).exists();
  }
}
