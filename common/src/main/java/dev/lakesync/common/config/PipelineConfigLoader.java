package dev.lakesync.common.config;

import dev.lakesync.common.azure.SynapseTokenLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a pipeline YAML file into a {@link PipelineConfig}, or fails with every problem in one {@link ConfigException}.
 * {@code ${VAR}} come from the environment, or inside Synapse from the Key Vault {@code secrets.keyVault} names.
 */
public final class PipelineConfigLoader {
  private final Function<String, String> env;
  private final Set<String> sections;

  /** A loader that resolves {@code ${VAR}} from the process environment. */
  public PipelineConfigLoader() {
    this(System::getenv);
  }

  /** A loader with its own environment, for tests. */
  public PipelineConfigLoader(Function<String, String> env) {
    this(env, null);
  }

  private PipelineConfigLoader(Function<String, String> env, Set<String> sections) {
    this.env = env;
    this.sections = sections;
  }

  /**
   * A loader for a stage that reads only these top-level sections: an unset variable elsewhere is not its problem
   * (the warehouse password does not stop the stream processor).
   */
  public PipelineConfigLoader onlySections(Set<String> needed) {
    return new PipelineConfigLoader(env, needed == null ? null : Set.copyOf(needed));
  }

  public PipelineConfig load(Path file) {
    return parse(read(file), file.toString());
  }

  /**
   * A top-level section that a tool reads for itself and the pipeline model leaves alone (the embedded stack's
   * {@code localStack}), with the same checks; an absent section reads as empty, so that its defaults apply.
   */
  public <T> T loadSection(Path file, ConfigOption<Optional<ConfigNode>> section, Function<ConfigNode, T> reader) {
    return parseSection(read(file), file.toString(), section, reader);
  }

  public <T> T parseSection(String yaml, String sourceName, ConfigOption<Optional<ConfigNode>> section,
      Function<ConfigNode, T> reader) {
    return read(yaml, sourceName, root -> reader.apply(root.getOrEmpty(section)));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw ConfigException.single(file.toString(), "file not found (give an existing file with --config)");
    } catch (IOException e) {
      throw ConfigException.single(file.toString(), "cannot read the file: " + e.getMessage());
    }
  }

  public PipelineConfig parse(String yaml, String sourceName) {
    return read(yaml, sourceName, PipelineConfig::from);
  }

  /** The file's top level read by {@code reader}, or every problem found on the way in one exception. */
  private <T> T read(String yaml, String sourceName, Function<ConfigNode, T> reader) {
    Map<String, Object> values = document(yaml, sourceName);
    List<String> problems = new ArrayList<>();
    EnvSubstitution substitution = new EnvSubstitution(variables(values.get("secrets")), sections);
    T result = reader.apply(new ConfigNode("", values, problems, substitution, ConfigOptions.root()));
    // A key whose variable was left for another stage may also be "required": that stage reports it.
    problems.removeIf(problem -> substitution.deferred().stream().anyMatch(key -> problem.startsWith(key + ":")));
    if (!problems.isEmpty()) {
      throw new ConfigException(sourceName, problems);
    }
    return result;
  }

  /** The file's top-level mapping. */
  private static Map<String, Object> document(String yaml, String sourceName) {
    Object document;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      document = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (MarkedYAMLException e) {
      String where = e.getProblemMark() == null ? "" : " at line " + (e.getProblemMark().getLine() + 1)
          + ", column " + (e.getProblemMark().getColumn() + 1);
      throw ConfigException.single(sourceName, "not valid YAML" + where + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw ConfigException.single(sourceName, "not valid YAML: " + e.getMessage());
    }
    if (!(document instanceof Map)) {
      throw ConfigException.single(sourceName, "expected a YAML mapping at the top level (source:, broker:, lake:, tables: ...)");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    ((Map<?, ?>) document).forEach((key, value) -> values.put(String.valueOf(key), value));
    return values;
  }

  /** Key Vault when {@code secrets.keyVault} is set and this runs inside Synapse; the environment otherwise. */
  private VariableSource variables(Object secrets) {
    if (secrets instanceof Map && SynapseTokenLibrary.available()) {
      Object vault = ((Map<?, ?>) secrets).get("keyVault");
      Object linkedService = ((Map<?, ?>) secrets).get("linkedService");
      if (vault instanceof String && linkedService instanceof String) {
        return VariableSource.keyVault((String) vault, (String) linkedService);
      }
    }
    return VariableSource.environment(env);
  }
}
