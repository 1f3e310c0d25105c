package dev.lakesync.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A mapping of the pipeline YAML and the options declared for it, in the order the reference lists them. */
public final class ConfigSection {
  private final String title;
  private final String doc;
  private final List<ConfigOption<?>> options = new ArrayList<>();

  ConfigSection(String title, String doc) {
    this.title = title;
    this.doc = doc;
  }

  <T> ConfigOption<T> add(ConfigOption<T> option) {
    for (ConfigOption<?> declared : options) {
      if (declared.key().equals(option.key())) {
        throw new IllegalStateException(title + " declares '" + option.key() + "' twice");
      }
    }
    options.add(option);
    return option;
  }

  boolean declares(ConfigOption<?> option) {
    return options.contains(option);
  }

  /** The declared option of that key, or null. */
  ConfigOption<?> option(String key) {
    for (ConfigOption<?> option : options) {
      if (option.key().equals(key)) {
        return option;
      }
    }
    return null;
  }

  public String title() {
    return title;
  }

  String doc() {
    return doc;
  }

  public List<ConfigOption<?>> options() {
    return Collections.unmodifiableList(options);
  }
}
