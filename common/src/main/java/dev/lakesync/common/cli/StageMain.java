package dev.lakesync.common.cli;

import dev.lakesync.common.config.ConfigException;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every entry point the launcher starts in a JVM of its own does the same way: parses its arguments with its
 * declaration in {@link Commands} ({@code --help} prints the help the command tree shows), loads the config it names,
 * and exits 0 done, 1 the work failed (one line, no stack trace), 2 a usage or config error.
 */
public final class StageMain {
  /** A command's work, given its parsed options and config; returns the exit status. */
  public interface Body<T> {
    int run(T command, PipelineConfig config) throws Exception;
  }

  /** Errors a stage reports as a usage or config mistake (status 2) rather than a failure. */
  public static final class ConfigProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigProblem(String message) {
      super(message);
    }
  }

  /** A mistake on the command line found after parsing (a table not configured, a filter on no such field...). */
  public static final class UsageProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageProblem(String message) {
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
   * Parses {@code args} into {@code command} (a declaration of {@link Commands} with a {@code --config} option), loads
   * that config (the embedded stack's when the option is optional and not given) and runs the body.
   */
  public static <T> int run(T command, String[] args, PrintStream out, PrintStream err, Body<T> body) {
    String path = CommandTree.pathOf(command.getClass());
    CommandLine line = CommandTree.standalone(command, out, err);
    OptionalInt parsed = parse(line, args, out, err);
    if (parsed.isPresent()) {
      return parsed.getAsInt();
    }
    try {
      PipelineConfig config = new PipelineConfigLoader().onlySections(SECTIONS.get(path)).load(configFile(line));
      return body.run(command, config);
    } catch (UsageProblem e) {
      err.println(usageError(path, e.getMessage()));
      return 2;
    } catch (ConfigException | ConfigProblem e) {
      err.println("lakesync " + path + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lakesync " + path + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }

  /**
   * Parses {@code args} into {@code command}: empty when the command should run, else the exit status (0 after
   * printing the help, 2 after a usage error).
   */
  public static OptionalInt parse(Object command, String[] args, PrintStream out, PrintStream err) {
    return parse(CommandTree.standalone(command, out, err), args, out, err);
  }

  private static OptionalInt parse(CommandLine line, String[] args, PrintStream out, PrintStream err) {
    try {
      line.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println(usageError(CommandTree.pathOf(line.getCommand().getClass()), e.getMessage()));
      return OptionalInt.of(2);
    }
    if (line.isUsageHelpRequested()) {
      line.usage(out, CommandLine.Help.Ansi.AUTO);
      return OptionalInt.of(0);
    }
    return OptionalInt.empty();
  }

  /** A mistake on the command line, as every command prints it. */
  public static String usageError(String path, String message) {
    return "lakesync " + path + ": " + message + " (see lakesync " + path + " --help)";
  }


  private static Path configFile(CommandLine line) {
    OptionSpec option = line.getCommandSpec().findOption("--config");
    Path file = option == null ? null : option.getValue();
    return file != null ? file : Path.of(System.getProperty("lakesync.home", ".")).resolve("deploy/local/pipeline.yaml");
  }
}
