package dev.lakesync.serving.sinks;

import dev.lakesync.common.cli.CliArgs;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./lakesync get customer <id>} and {@code ./lakesync search "<text>"}: the API's two read paths, served by
 * the first sink of the config that can answer (point reads: local or Cosmos DB; search: AI Search or local).
 * Without {@code --config} they read the embedded default, deploy/local/pipeline.yaml.
 */
public final class LookupMain {
  static final String GET_HELP = String.join("\n",
      "usage: lakesync get customer ID [--config FILE]",
      "",
      "Prints customer ID's serving document (one JSON object) from the first sink of the config that serves point",
      "reads (local, cosmos). Exit status 1 when there is no such document.");
  static final String SEARCH_HELP = String.join("\n",
      "usage: lakesync search TEXT [--segment S] [--currency C] [--min-balance N] [--top N] [--config FILE]",
      "",
      "Full-text search over customer documents (name, email, merchants; words match as prefixes) from the first",
      "sink of the config that serves search (search, local); prints one JSON document per line, best first.",
      "TEXT may be empty (\"\") to list by filters only.",
      "",
      "  --segment S       only customers of this segment",
      "  --currency C      only customers with an account in this currency",
      "  --min-balance N   only customers with an account balance of at least N",
      "  --top N           at most N results (default 10)");

  private LookupMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("get") || args[0].equals("search"))) {
      err.println("usage: lakesync get customer ID | lakesync search TEXT (see --help of each)");
      return 2;
    }
    boolean get = args[0].equals("get");
    String[] rest = withDefaultConfig(Arrays.copyOfRange(args, 1, args.length));
    return StageMain.run(args[0], get ? GET_HELP : SEARCH_HELP, rest,
        get ? Set.of() : Set.of("--segment", "--currency", "--min-balance", "--top"), Set.of(), out, err,
        (options, config) -> get ? get(options, config, out, err) : search(options, config, out));
  }

  private static int get(CliArgs options, PipelineConfig config, PrintStream out, PrintStream err) throws Exception {
    List<String> positional = options.positional();
    if (positional.size() != 2 || !positional.get(0).equals("customer")) {
      throw options.usage("expected: get customer ID");
    }
    String id = positional.get(1);
    try (DocumentLookup lookup = Sinks.lookup(serving(config))) {
      Optional<String> document = lookup.get(id, id);
      if (document.isEmpty()) {
        err.println("lakesync get: no document for customer " + id);
        return 1;
      }
      out.println(document.get());
      return 0;
    }
  }

  private static int search(CliArgs options, PipelineConfig config, PrintStream out) throws Exception {
    if (options.positional().size() != 1) {
      throw options.usage("expected one TEXT argument (quote it; \"\" for filters only)");
    }
    String minBalance = options.string("--min-balance", null);
    SearchQuery query = new SearchQuery(options.positional().get(0), options.string("--segment", null),
        options.string("--currency", null),
        minBalance == null ? null : options.number("--min-balance", 0, -1e15, 1e15),
        (int) options.longValue("--top", 10));
    try (DocumentSearch search = Sinks.search(serving(config))) {
      for (String document : search.search(query)) {
        out.println(document);
      }
      return 0;
    }
  }

  private static ServingConfig serving(PipelineConfig config) {
    return config.serving().orElseThrow(() -> new StageMain.ConfigProblem(
        "serving: section is required to read documents"));
  }

  private static String[] withDefaultConfig(String[] args) {
    List<String> list = new ArrayList<>(Arrays.asList(args));
    boolean hasConfig = list.stream().anyMatch(arg -> arg.equals("--config") || arg.startsWith("--config="));
    String home = System.getProperty("lakesync.home");
    if (!hasConfig && !list.contains("--help") && home != null) {
      Path local = Path.of(home, "deploy", "local", "pipeline.yaml");
      if (Files.exists(local)) {
        list.add("--config");
        list.add(local.toString());
      }
    }
    return list.toArray(new String[0]);
  }
}
