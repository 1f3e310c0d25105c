package dev.lakesync.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The demo bank's pipeline file: benchmarks and tests reuse the models and documents it declares. */
public final class DemoPipeline {
  /** Where it is, under the repository's root. */
  public static final String FILE = "deploy/local/pipeline.yaml";

  private DemoPipeline() {
  }

  /**
   * A block of the demo bank's config, {@code deploy/local/pipeline.yaml} under {@code home}: the lines of
   * {@code key} inside the top-level {@code section} (e.g. warehouse models, serving documents), as YAML lines to put
   * under that section's key.
   */
  public static String block(Path home, String section, String key) throws IOException {
    Path file = home.resolve(FILE);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    StringBuilder block = new StringBuilder();
    boolean inSection = false;
    boolean inKey = false;
    for (String line : lines) {
      if (!line.startsWith(" ") && !line.isBlank()) {
        inSection = line.startsWith(section + ":");
        inKey = false;
      } else if (inSection && line.startsWith("  ") && !line.startsWith("   ")) {
        inKey = line.startsWith("  " + key + ":");
      }
      if (inKey) {
        block.append(line).append('\n');
      }
    }
    if (block.length() == 0) {
      throw new IOException("no " + section + "." + key + " in " + file);
    }
    return block.toString();
  }
}
