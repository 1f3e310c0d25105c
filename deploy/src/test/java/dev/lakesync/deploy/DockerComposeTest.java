package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what it references: jars and library
 * folders the modules build, main classes, the JVM options file, mounted files, and a pipeline config whose hosts,
 * ports and paths are the compose services', ports and volumes.
 */
class DockerComposeTest {
  private static final Path HOME = Path.of("").toAbsolutePath().getParent();

  @Test
  @SuppressWarnings("unchecked")
  void everythingTheComposeFileReferencesExistsAndAgreesWithTheConfig() throws Exception {
    Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(HOME.resolve("docker-compose.yml")));
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services).containsKeys("postgres", "kafka", "capture", "process", "warehouse", "serving", "workload");
    assertThat(services.get("postgres")).containsKey("healthcheck");
    assertThat(services.get("kafka")).containsKey("healthcheck");

    int javaServices = 0;
    for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
      Object command = service.getValue().get("command");
      for (Object volume : (List<Object>) service.getValue().getOrDefault("volumes", List.of())) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(HOME.resolve(source)).as(service.getKey() + " mounts " + source).exists();
        }
      }
      if (!(command instanceof List) || !((List<Object>) command).contains("-cp")) {
        continue;
      }
      javaServices++;
      List<String> args = (List<String>) command;
      String classpath = args.get(args.indexOf("-cp") + 1);
      String mainClass = args.get(args.indexOf("-cp") + 2);
      String module = classpath.substring(0, classpath.indexOf('/'));
      assertThat(classpath).as(service.getKey()).isEqualTo(module + "/target/lakesync-" + module + "-0.1.0-SNAPSHOT.jar:"
          + module + "/target/lib/*");
      String pom = Files.readString(HOME.resolve(module).resolve("pom.xml"));
      assertThat(pom).as(module + " builds lakesync-" + module + " and copies its libraries to target/lib")
          .contains("<artifactId>lakesync-" + module + "</artifactId>", "${project.build.directory}/lib");
      assertThat(HOME.resolve(module).resolve("src/main/java/" + mainClass.replace('.', '/') + ".java"))
          .as(service.getKey() + " main class").exists();
      args.stream().filter(arg -> arg.startsWith("@") || arg.startsWith("-Dlog4j2.configurationFile="))
          .forEach(file -> assertThat(HOME.resolve(file.replaceFirst("^@|^-Dlog4j2.configurationFile=", ""))).exists());
      assertThat(args.get(args.indexOf("--config") + 1)).isEqualTo("deploy/docker/pipeline.yaml");
    }
    assertThat(javaServices).isEqualTo(7);

    PipelineConfig config = new PipelineConfigLoader(name -> null).load(HOME.resolve("deploy/docker/pipeline.yaml"));
    assertThat(config.source().host()).isEqualTo("postgres");
    assertThat((List<Object>) services.get("postgres").get("ports")).contains("54329:" + config.source().port());
    assertThat(config.broker().bootstrapServers()).containsExactly("kafka:9092");
    assertThat(((Map<String, Object>) services.get("kafka").get("environment")).get("KAFKA_ADVERTISED_LISTENERS"))
        .isEqualTo("PLAINTEXT://" + config.broker().bootstrapServers().get(0));
    assertThat(config.warehouse().orElseThrow().jdbcUrl()).startsWith("jdbc:postgresql://postgres:5432/");
    assertThat(config.serving().orElseThrow().local().orElseThrow().jdbcUrl()).startsWith("jdbc:postgresql://postgres:5432/");
    assertThat(config.lake().root()).startsWith("/data/");
    assertThat((List<Object>) services.get("process").get("volumes")).contains("lake:/data");
    String databases = Files.readString(HOME.resolve("deploy/docker/init-databases.sql"));
    for (String database : List.of(config.source().database(), "warehouse", "serving")) {
      assertThat(databases).contains("CREATE DATABASE " + database + ";");
    }
  }
}
