package dev.lakesync.common.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The {@code ./lakesync} command tree: where each declaration of {@link Commands} sits. The launcher starts some
 * commands in JVMs of their own (a stage's classpath); those parse with {@link #standalone} and print the same help.
 */
public final class CommandTree {
  /** Each command's path under {@code lakesync}, parents before children, in the order help lists them. */
  private static final Map<String, Class<?>> PATHS = new LinkedHashMap<>();

  static {
    PATHS.put("stack", Commands.Stack.class);
    PATHS.put("demo", Commands.Demo.class);
    PATHS.put("workload", Commands.Workload.class);
    PATHS.put("run", Commands.Run.class);
    PATHS.put("run capture", Commands.RunCapture.class);
    PATHS.put("run process", Commands.RunProcess.class);
    PATHS.put("run warehouse", Commands.RunWarehouse.class);
    PATHS.put("run serving", Commands.RunServing.class);
    PATHS.put("verify", Commands.Verify.class);
    PATHS.put("quarantine", Commands.Quarantine.class);
    PATHS.put("get", Commands.Get.class);
    PATHS.put("search", Commands.Search.class);
    PATHS.put("bench", Commands.Bench.class);
    PATHS.put("bench capture", Commands.BenchCapture.class);
    PATHS.put("bench process", Commands.BenchProcess.class);
    PATHS.put("bench warehouse", Commands.BenchWarehouse.class);
    PATHS.put("bench serving", Commands.BenchServing.class);
    PATHS.put("bench e2e", Commands.BenchEndToEnd.class);
    PATHS.put("bench e2e-lake", Commands.BenchLakeFreshness.class);
    PATHS.put("bench fuzz", Commands.BenchFuzz.class);
    PATHS.put("bench chaos", Commands.BenchChaos.class);
  }

  private CommandTree() {
  }

  /** The whole tree, with {@code generate-completion} (a bash/zsh completion script), printing to out and err. */
  public static CommandLine root(PrintStream out, PrintStream err) {
    CommandLine root = new CommandLine(new Commands.Root());
    Map<String, CommandLine> byPath = new LinkedHashMap<>();
    for (Map.Entry<String, Class<?>> command : PATHS.entrySet()) {
      String path = command.getKey();
      int space = path.lastIndexOf(' ');
      CommandLine parent = space < 0 ? root : byPath.get(path.substring(0, space));
      CommandLine line = new CommandLine(command.getValue());
      parent.addSubcommand(line);
      byPath.put(path, line);
    }
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false)
        .description("Print a bash/zsh completion script: source <(./lakesync generate-completion)");
    root.addSubcommand("generate-completion", completion);
    return configure(root, out, err);
  }

  /** One command on its own, named by its path in the tree so that its help reads as in the tree. */
  public static CommandLine standalone(Object command, PrintStream out, PrintStream err) {
    return configure(new CommandLine(command).setCommandName("lakesync " + pathOf(command.getClass())), out, err);
  }

  /** The command's path under {@code lakesync}, e.g. "run process". */
  public static String pathOf(Class<?> declaration) {
    for (Map.Entry<String, Class<?>> command : PATHS.entrySet()) {
      if (command.getValue().equals(declaration)) {
        return command.getKey();
      }
    }
    throw new IllegalArgumentException(declaration + " is not in the command tree");
  }

  private static CommandLine configure(CommandLine line, PrintStream out, PrintStream err) {
    line.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    line.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    line.setUsageHelpWidth(100);
    return line;
  }
}
