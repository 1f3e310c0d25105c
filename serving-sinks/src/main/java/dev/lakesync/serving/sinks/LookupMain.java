package dev.lakesync.serving.sinks;

import dev.lakesync.common.cli.CliArgs;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.DocumentDeclaration;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./lakesync get <type> <id>} and {@code ./lakesync search <type> "<text>"}: the API's two read paths for any
 * declared document type, served by the first sink of the config that can answer (point reads: local or Cosmos DB;
 * search: AI Search or local). Without {@code --config} they read the embedded default, deploy/local/pipeline.yaml.
 */
public final class LookupMain {
  static final String GET_HELP = String.join("\n",
      "usage: lakesync get TYPE ID [--partition-key K] [--config FILE]",
      "",
      "Prints the serving document of declared type TYPE with id ID (one JSON object) from the first sink of the",
      "config that serves point reads (local, cosmos). Exit status 1 when there is no such document.",
      "",
      "  --partition-key K   the document's partition key when it is not its id (Cosmos DB reads by both;",
      "                      without it Cosmos DB is queried across partitions)");
  static final String SEARCH_HELP = String.join("\n",
      "usage: lakesync search TYPE TEXT [--filter FIELD=VALUE ...] [--top N] [--config FILE]",
      "",
      "Full-text search over the searchable fields of declared document type TYPE (words match as prefixes) from",
      "the first sink of the config that serves search (search, local); prints one JSON document per line, best",
      "first. TEXT may be empty (\"\") to list by filters only.",
      "",
      "  --filter FIELD=VALUE   only documents whose filterable search field FIELD equals VALUE (a list field:",
      "                         any element); repeat for several",
      "  --top N                at most N results (default 10)");

  private LookupMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !(args[0].equals("get") || args[0].equals("search"))) {
      err.println("usage: lakesync get TYPE ID | lakesync search TYPE TEXT (see --help of each)");
      return 2;
    }
    boolean get = args[0].equals("get");
    String[] rest = withDefaultConfig(Arrays.copyOfRange(args, 1, args.length));
    return StageMain.run(args[0], get ? GET_HELP : SEARCH_HELP, rest,
        get ? Set.of("--partition-key") : Set.of("--filter", "--top"), Set.of(), out, err,
        (options, config) -> get ? get(options, config, out, err) : search(options, config, out));
  }

  private static int get(CliArgs options, PipelineConfig config, PrintStream out, PrintStream err) throws Exception {
    List<String> positional = options.positional();
    if (positional.size() != 2) {
      throw options.usage("expected: get TYPE ID");
    }
    DocumentDeclaration type = declared(config, positional.get(0));
    String id = positional.get(1);
    String partitionKey = options.string("--partition-key", type.partitionKey().equals("id") ? id : null);
    try (DocumentLookup lookup = Sinks.lookup(serving(config))) {
      Optional<String> document = lookup.get(type.type(), id, partitionKey);
      if (document.isEmpty()) {
        err.println("lakesync get: no " + type.type() + " document with id " + id);
        return 1;
      }
      out.println(document.get());
      return 0;
    }
  }

  private static int search(CliArgs options, PipelineConfig config, PrintStream out) throws Exception {
    if (options.positional().size() != 2) {
      throw options.usage("expected TYPE and one TEXT argument (quote it; \"\" for filters only)");
    }
    DocumentDeclaration type = declared(config, options.positional().get(0));
    Map<String, String> filters = new LinkedHashMap<>();
    List<String> filterable = new ArrayList<>();
    type.search().values().stream().filter(DocumentDeclaration.SearchField::filterable)
        .forEach(field -> filterable.add(field.name()));
    for (String filter : options.strings("--filter")) {
      int equals = filter.indexOf('=');
      String field = equals < 0 ? filter : filter.substring(0, equals);
      if (equals < 0 || !filterable.contains(field)) {
        throw options.usage("--filter " + filter + ": expected FIELD=VALUE with FIELD one of the filterable search "
            + "fields of " + type.type() + " (" + (filterable.isEmpty() ? "none declared" : String.join(", ", filterable))
            + ")");
      }
      filters.put(field, filter.substring(equals + 1));
    }
    SearchQuery query = new SearchQuery(type.type(), options.positional().get(1), filters,
        (int) options.longValue("--top", 10));
    try (DocumentSearch search = Sinks.search(serving(config))) {
      for (String document : search.search(query)) {
        out.println(document);
      }
      return 0;
    }
  }

  private static DocumentDeclaration declared(PipelineConfig config, String type) {
    ServingConfig serving = serving(config);
    return serving.document(type).orElseThrow(() -> new StageMain.ConfigProblem("serving.documents: no document "
        + "type '" + type + "' (declared: " + (serving.documents().isEmpty() ? "none"
        : serving.documents().stream().map(DocumentDeclaration::type).collect(Collectors.joining(", "))) + ")"));
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
