package dev.lakesync.demo;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.localstack.LocalStackConfig;
import dev.lakesync.localstack.PortCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The demo pipeline's config in a temporary work folder on free ports, for a benchmark that runs the stages as
 * processes: the environment those processes get and the config as they will read it.
 */
final class BenchWorkspace {
  final Path work;
  final Map<String, String> env;
  final Path configFile;
  final PipelineConfig config;
  final LocalStackConfig settings;

  private BenchWorkspace(Path work, Map<String, String> env, Path configFile, PipelineConfig config,
      LocalStackConfig settings) {
    this.work = work;
    this.env = env;
    this.configFile = configFile;
    this.config = config;
    this.settings = settings;
  }

  static BenchWorkspace create(Path home, String prefix) throws IOException {
    Path work = Files.createTempDirectory(prefix);
    Map<String, String> env = new HashMap<>();
    env.put("LAKESYNC_WORK_DIR", work.toString());
    env.put("LAKESYNC_LAKE_ROOT", work.resolve("lake").toString());
    env.put("LAKESYNC_PG_PORT", Integer.toString(PortCheck.findFree()));
    env.put("LAKESYNC_KAFKA_PORT", Integer.toString(PortCheck.findFree()));
    env.put("LAKESYNC_KAFKA_CONTROLLER_PORT", Integer.toString(PortCheck.findFree()));
    Path configFile = home.resolve("deploy/local/pipeline.yaml");
    Function<String, String> variables = name -> env.getOrDefault(name, System.getenv(name));
    return new BenchWorkspace(work, env, configFile, new PipelineConfigLoader(variables).load(configFile),
        LocalStackConfig.load(configFile, variables));
  }
}
