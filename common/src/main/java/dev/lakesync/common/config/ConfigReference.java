package dev.lakesync.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration reference in docs/configuration.md, rendered from {@link ConfigOptions}: one table per section,
 * in the order the sections hang from the top level. A test keeps the file equal to it.
 */
public final class ConfigReference {
  /** The line before the generated part of docs/configuration.md. */
  public static final String BEGIN = "<!-- generated from ConfigOptions by ConfigReference: do not edit by hand -->";
  /** The line after it. */
  public static final String END = "<!-- end of generated reference -->";

  private ConfigReference() {}

  /** The generated part, from {@link #BEGIN} to {@link #END} inclusive. */
  public static String markdown() {
    Map<ConfigSection, List<String>> paths = new LinkedHashMap<>();
    collect(ConfigOptions.root(), "", paths);
    StringBuilder out = new StringBuilder(BEGIN).append("\n");
    paths.forEach((section, at) -> {
      out.append("\n### ").append(at.get(0).isEmpty() ? "Top level" : "`" + String.join("`, `", at) + "`").append("\n\n");
      out.append(section.doc()).append("\n\n");
      out.append("| key | type | default | meaning |\n| --- | --- | --- | --- |\n");
      for (ConfigOption<?> option : section.options()) {
        out.append("| `").append(option.key()).append("` | ").append(cell(option.type())).append(" | ")
            .append(cell(option.defaultText())).append(" | ").append(cell(option.doc())).append(" |\n");
      }
    });
    return out.append("\n").append(END).append("\n").toString();
  }

  /** Every section under this one with the paths it is found at (a document's and a child's lookups share one). */
  private static void collect(ConfigSection section, String path, Map<ConfigSection, List<String>> paths) {
    paths.computeIfAbsent(section, s -> new ArrayList<>()).add(path);
    for (ConfigOption<?> option : section.options()) {
      ConfigSection child = option.opens();
      if (child != null) {
        collect(child, option.sectionPath(path), paths);
      }
    }
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
