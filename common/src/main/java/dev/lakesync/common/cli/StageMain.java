package dev.lakesync.common.cli;

import dev.lakesync.common.config.ConfigException;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What every stage's entry point does the same way: {@code --help}, options, the required {@code --config}, and
 * the exit status: 0 done, 1 the work failed (one line, no stack trace), 2 a usage or config error.
 */
public final class StageMain {
  /** A stage's work, given its parsed options and config; returns the exit status. */
  public interface Body {
    int run(CliArgs options, PipelineConfig config) throws Exception;
  }

  /** Errors a stage reports as a usage or config mistake (status 2) rather than a failure. */
  public static final class ConfigProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigProblem(String message) {
      super(message);
    }
  }

  private StageMain() {
  }

  /**
   * The config sections each command reads, whose {@code ${VAR}}s must therefore be set; a command not listed (verify,
   * which compares them all) needs every one.
   */
  private static final Map<String, Set<String>> SECTIONS = Map.of(
      "run capture", Set.of("source", "broker", "tables", "localStack", "azure"),
      "run process", Set.of("broker", "lake", "tables", "azure"),
      "run warehouse", Set.of("lake", "tables", "warehouse", "azure"),
      "run serving", Set.of("lake", "tables", "serving", "azure"),
      "quarantine", Set.of("lake", "tables"));

  /**
   * @param command "run capture", "run process"...
   * @param valued  options with a value besides --config
   */
  public static int run(String command, String help, String[] args, Set<String> valued, Set<String> flags,
      PrintStream out, PrintStream err, Body body) {
    if (Arrays.asList(args).contains("--help")) {
      out.println(help);
      return 0;
    }
    try {
      Set<String> withConfig = new HashSet<>(valued);
      withConfig.add("--config");
      CliArgs options = new CliArgs(command, Arrays.asList(args), withConfig, flags);
      String file = options.string("--config", null);
      if (file == null) {
        throw options.usage("--config FILE is required");
      }
      PipelineConfig config = new PipelineConfigLoader().onlySections(SECTIONS.get(command)).load(Path.of(file));
      return body.run(options, config);
    } catch (CliArgs.UsageException e) {
      err.println(e.getMessage());
      return 2;
    } catch (ConfigException | ConfigProblem e) {
      err.println("lakesync " + command + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lakesync " + command + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }
}
