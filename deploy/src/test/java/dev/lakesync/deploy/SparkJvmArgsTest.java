package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The launcher's Spark JVM options (deploy/jvm/spark-java17.args) and the test argLine in pom.xml must agree. */
class SparkJvmArgsTest {
  @Test
  void launcherAndBuildOpenTheSamePackages() throws Exception {
    List<String> launcher = Files.readAllLines(Path.of("jvm/spark-java17.args"));
    Matcher property = Pattern.compile("<spark.add-opens>(.*?)</spark.add-opens>", Pattern.DOTALL)
        .matcher(Files.readString(Path.of("../pom.xml")));
    assertThat(property.find()).isTrue();

    assertThat(launcher).containsExactlyElementsOf(Arrays.asList(property.group(1).trim().split("\\s+")));
    assertThat(launcher).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
  }
}
