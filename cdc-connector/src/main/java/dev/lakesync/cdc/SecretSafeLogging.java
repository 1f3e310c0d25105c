package dev.lakesync.cdc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Caps loggers that print the whole connector configuration, password included, at DEBUG. Applied at start-up over
 * any logging config, so that turning on DEBUG to chase a problem never writes a credential to a log.
 */
final class SecretSafeLogging {
  static final List<String> CONFIG_DUMPING_LOGGERS = List.of(
      "io.debezium.embedded.async.AsyncEmbeddedEngine",
      "io.debezium.embedded.EmbeddedEngine",
      "io.debezium.openlineage");

  private SecretSafeLogging() {
  }

  static void apply() {
    for (String name : CONFIG_DUMPING_LOGGERS) {
      org.slf4j.Logger logger = LoggerFactory.getLogger(name);
      if (logger instanceof Logger) {
        Logger logback = (Logger) logger;
        if (logback.getEffectiveLevel().isGreaterOrEqual(Level.INFO)) {
          continue;
        }
        logback.setLevel(Level.INFO);
      }
    }
  }
}
