package dev.lakesync.serving.sinks;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.DocumentDeclaration;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code ./lakesync get <type> <id>} and {@code ./lakesync search <type> "<text>"}: the API's two read paths for any
 * declared document type, served by the first sink of the config that can answer (point reads: local or Cosmos DB;
 * search: AI Search or local). Without {@code --config} they read the embedded default, deploy/local/pipeline.yaml.
 */
public final class LookupMain {
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
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return args[0].equals("get")
        ? StageMain.run(new Commands.Get(), rest, out, err, (options, config) -> get(options, config, out, err))
        : StageMain.run(new Commands.Search(), rest, out, err, (options, config) -> search(options, config, out));
  }

  private static int get(Commands.Get options, PipelineConfig config, PrintStream out, PrintStream err) throws Exception {
    DocumentDeclaration type = declared(config, options.type);
    String partitionKey = options.partitionKey != null ? options.partitionKey
        : type.partitionKey().equals("id") ? options.id : null;
    try (DocumentLookup lookup = Sinks.lookup(serving(config))) {
      Optional<String> document = lookup.get(type.type(), options.id, partitionKey);
      if (document.isEmpty()) {
        err.println("lakesync get: no " + type.type() + " document with id " + options.id);
        return 1;
      }
      out.println(document.get());
      return 0;
    }
  }

  private static int search(Commands.Search options, PipelineConfig config, PrintStream out) throws Exception {
    DocumentDeclaration type = declared(config, options.type);
    Map<String, String> filters = new LinkedHashMap<>();
    List<String> filterable = new ArrayList<>();
    type.search().values().stream().filter(DocumentDeclaration.SearchField::filterable)
        .forEach(field -> filterable.add(field.name()));
    for (String filter : options.filters) {
      int equals = filter.indexOf('=');
      String field = equals < 0 ? filter : filter.substring(0, equals);
      if (equals < 0 || !filterable.contains(field)) {
        throw new StageMain.UsageProblem("--filter " + filter + ": expected FIELD=VALUE with FIELD one of the "
            + "filterable search fields of " + type.type() + " ("
            + (filterable.isEmpty() ? "none declared" : String.join(", ", filterable)) + ")");
      }
      filters.put(field, filter.substring(equals + 1));
    }
    SearchQuery query = new SearchQuery(type.type(), options.text, filters, options.top);
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
}
