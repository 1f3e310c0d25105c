package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The layout shows the architecture: no stage's module depends on another stage's (they share the lake module and
 * the Event Hubs login jar instead), and neither a stage's jar nor the embedded stack's carries benchmark or demo code.
 */
class ModuleGraphTest {
  private static final Path HOME = Path.of("").toAbsolutePath().getParent();
  private static final List<String> STAGES = List.of("cdc-connector", "stream-processor", "warehouse-loader",
      "serving-sync");
  private static final Pattern DEPENDENCY = Pattern.compile(
      "<dependency>\\s*(?:<!--.*?-->\\s*)?<groupId>dev\\.lakesync</groupId>\\s*<artifactId>lakesync-([a-z-]+)</artifactId>",
      Pattern.DOTALL);

  @Test
  void noStageDependsOnAnotherStage() throws Exception {
    List<String> found = new ArrayList<>();
    for (String stage : STAGES) {
      Matcher dependency = DEPENDENCY.matcher(Files.readString(HOME.resolve(stage).resolve("pom.xml")));
      while (dependency.find()) {
        if (STAGES.contains(dependency.group(1))) {
          found.add(stage + " -> " + dependency.group(1));
        }
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void theLaterSparkStagesReadTheLakeThroughTheLakeModule() throws Exception {
    for (String stage : List.of("warehouse-loader", "serving-sync", "verify")) {
      Matcher dependency = DEPENDENCY.matcher(Files.readString(HOME.resolve(stage).resolve("pom.xml")));
      List<String> modules = new ArrayList<>();
      while (dependency.find()) {
        modules.add(dependency.group(1));
      }
      assertThat(modules).as(stage).contains("lake");
    }
  }

  @Test
  void benchmarksAndTheDemoLiveInModulesOfTheirOwn() throws Exception {
    List<String> modules = new ArrayList<>(STAGES);
    modules.add("local-stack");
    for (String module : modules) {
      try (var files = Files.walk(HOME.resolve(module).resolve("src/main/java"))) {
        assertThat(files.map(Path::toString).filter(file -> file.matches(".*/(bench|demo|dashboard)/.*")))
            .as(module).isEmpty();
      }
      Matcher dependency = DEPENDENCY.matcher(Files.readString(HOME.resolve(module).resolve("pom.xml")));
      while (dependency.find()) {
        assertThat(dependency.group(1)).as(module).isNotIn("bench", "demo");
      }
    }
  }
}
