package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Synapse artifacts and the spark-submit script agree with the build: main classes exist, jars are the modules'
 * and the libraries stage-artifacts.sh stages, the pipeline runs job definitions that exist, the trigger runs the
 * pipeline.
 */
class SynapseArtifactsTest {
  private static final Path HOME = Path.of("").toAbsolutePath().getParent();
  private static final Path SYNAPSE = HOME.resolve("deploy/synapse");

  @Test
  void jobDefinitionsPointAtClassesAndJarsTheBuildMakes() throws Exception {
    String staging = Files.readString(SYNAPSE.resolve("stage-artifacts.sh"));
    Matcher libsLine = Pattern.compile("LIBS=\"([^\"]+)\"").matcher(staging);
    assertThat(libsLine.find()).isTrue();
    List<String> stagedLibs = List.of(libsLine.group(1).split(" "));
    List<Path> definitions = list(SYNAPSE.resolve("sparkJobDefinitions"));
    assertThat(definitions).hasSize(4);
    for (Path definition : definitions) {
      String json = Files.readString(definition);
      String className = value(json, "className");
      Path source = Files.list(HOME).map(module -> module.resolve("src/main/java/" + className.replace('.', '/') + ".java"))
          .filter(Files::exists).findFirst().orElse(null);
      assertThat(source).as(definition + ": class " + className).isNotNull();
      Matcher file = Pattern.compile("/lakesync-([a-z-]+)-0\\.1\\.0-SNAPSHOT\\.jar$").matcher(value(json, "file"));
      assertThat(file.find()).as(definition + ": file").isTrue();
      assertThat(source.startsWith(HOME.resolve(file.group(1)))).as(definition + ": the class lives in the jar's module").isTrue();
      assertThat(value(json, "requiredSparkVersion")).isEqualTo("3.5");
      assertThat(json).contains("\"--config\"", "\"pipeline.yaml\"", "/pipeline.yaml\"");
      Matcher jar = Pattern.compile("/lib/([A-Za-z0-9_.-]+)\\.jar\"").matcher(json);
      while (jar.find()) {
        String name = jar.group(1);
        boolean module = name.startsWith("lakesync-") && Files.isDirectory(HOME.resolve(name.substring("lakesync-".length())));
        assertThat(module || stagedLibs.contains(name)).as(definition + ": lib/" + name + ".jar is staged").isTrue();
      }
    }
  }

  /**
   * Libraries the Synapse Spark 3.5 runtime puts on every job's classpath (its release notes, "Java and Scala
   * Libraries"): a second copy staged beside them would meet the pool's own version first, or worse, second.
   */
  private static final List<String> POOL_LIBRARIES = List.of("spark-sql-kafka-0-10_2.12", "kafka-clients",
      "spark-token-provider-kafka-0-10_2.12", "commons-pool2", "postgresql", "jackson-databind", "jackson-core",
      "delta-spark_2.12", "delta-storage", "azure-storage-blob", "azure-core");

  @Test
  void onlyLibrariesThePoolLacksAreStaged() throws Exception {
    String staging = Files.readString(SYNAPSE.resolve("stage-artifacts.sh"));
    Matcher libsLine = Pattern.compile("LIBS=\"([^\"]+)\"").matcher(staging);
    assertThat(libsLine.find()).isTrue();
    assertThat(List.of(libsLine.group(1).split(" "))).doesNotContainAnyElementsOf(POOL_LIBRARIES).contains("snakeyaml");
    for (Path definition : list(SYNAPSE.resolve("sparkJobDefinitions"))) {
      for (String library : POOL_LIBRARIES) {
        assertThat(Files.readString(definition)).as(definition + " stages no copy of the pool's " + library)
            .doesNotContain("/lib/" + library + ".jar");
      }
    }
  }

  /**
   * {@code az synapse spark-job-definition create --name N --file @F} reads F as the SparkJobDefinition object itself
   * (the CLI calls {@code SparkJobDefinition.from_dict} on it): its keys at the top, the name from --name. The
   * {"name", "properties"} wrapper of pipelines and triggers is read there as an empty definition.
   */
  @Test
  void jobDefinitionsAreTheBareObjectTheAzureCliReads() throws Exception {
    java.util.Set<String> modelKeys = java.util.Set.of("description", "targetBigDataPool", "targetSparkConfiguration",
        "requiredSparkVersion", "language", "jobProperties", "folder");
    for (Path definition : list(SYNAPSE.resolve("sparkJobDefinitions"))) {
      java.util.Map<String, Object> json = new org.yaml.snakeyaml.Yaml().load(Files.readString(definition)); // JSON is YAML
      assertThat(modelKeys).as(definition + ": top-level keys").containsAll(json.keySet());
      assertThat(json).containsKeys("targetBigDataPool", "requiredSparkVersion", "language", "jobProperties");
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> job = (java.util.Map<String, Object>) json.get("jobProperties");
      assertThat(job).containsKeys("file", "className", "args", "conf", "jars", "files", "driverMemory", "numExecutors");
      assertThat(job.get("name") + ".json").isEqualTo(definition.getFileName().toString());
    }
  }

  @Test
  void thePipelineRunsExistingDefinitionsAndTheTriggerRunsThePipeline() throws Exception {
    List<String> definitions = new ArrayList<>();
    for (Path definition : list(SYNAPSE.resolve("sparkJobDefinitions"))) {
      // Named by the file: the CLI's --name (deploy/azure/README.md imports each as its file name).
      definitions.add(definition.getFileName().toString().replaceFirst("\\.json$", ""));
    }
    String pipeline = Files.readString(SYNAPSE.resolve("pipelines/lakesync-batch.json"));
    List<String> referenced = references(pipeline, "SparkJobDefinitionReference");
    assertThat(referenced).containsExactly("lakesync-warehouse", "lakesync-serving");
    assertThat(definitions).containsAll(referenced);
    assertThat(pipeline).containsPattern("\"activity\": \"load-warehouse\",\\s*\"dependencyConditions\": \\[\\s*\"Succeeded\"");
    String trigger = Files.readString(SYNAPSE.resolve("triggers/lakesync-every-15-minutes.json"));
    assertThat(references(trigger, "PipelineReference")).containsExactly(value(pipeline, "name"));
  }

  @Test
  void sparkSubmitShipsOnlyJarsThatAreStaged() throws Exception {
    String staging = Files.readString(SYNAPSE.resolve("stage-artifacts.sh"));
    List<String> staged = new ArrayList<>();
    for (String variable : List.of("LIBS", "SUBMIT_LIBS")) {
      Matcher line = Pattern.compile("(?m)^" + variable + "=\"([^\"]+)\"").matcher(staging);
      assertThat(line.find()).as(variable).isTrue();
      staged.addAll(List.of(line.group(1).split(" ")));
    }
    String script = Files.readString(HOME.resolve("deploy/spark-submit/lakesync-submit.sh"));
    Matcher libs = Pattern.compile("libs=\"([^\"]+)\"").matcher(script);
    int stages = 0;
    while (libs.find()) {
      stages++;
      for (String name : libs.group(1).split(" ")) {
        boolean module = name.startsWith("lakesync-") && Files.isDirectory(HOME.resolve(name.substring("lakesync-".length())));
        assertThat(module || staged.contains(name)).as("lakesync-submit.sh ships lib/" + name + ".jar, which is staged")
            .isTrue();
      }
    }
    assertThat(stages).isEqualTo(4);
    assertThat(script).contains("--packages \"org.apache.spark:spark-sql-kafka-0-10_2.12:$spark_version\"");
  }

  @Test
  void sparkSubmitStartsTheSameClassesAsSynapse() throws Exception {
    String script = Files.readString(HOME.resolve("deploy/spark-submit/lakesync-submit.sh"));
    for (Path definition : list(SYNAPSE.resolve("sparkJobDefinitions"))) {
      assertThat(script).contains("main=" + value(Files.readString(definition), "className"));
    }
  }

  private static List<Path> list(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(path -> path.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
  }

  private static String value(String json, String key) {
    Matcher matcher = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
    assertThat(matcher.find()).as("\"" + key + "\" in " + json.substring(0, Math.min(80, json.length()))).isTrue();
    return matcher.group(1);
  }

  private static List<String> references(String json, String type) {
    Matcher matcher = Pattern.compile("\"referenceName\": \"([^\"]+)\",\\s*\"type\": \"" + type + "\"").matcher(json);
    List<String> names = new ArrayList<>();
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
