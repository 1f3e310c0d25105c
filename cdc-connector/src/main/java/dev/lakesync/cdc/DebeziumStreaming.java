package dev.lakesync.cdc;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Whether Debezium's connector in this JVM has reached streaming (its streaming metrics say it is connected). */
final class DebeziumStreaming {
  private DebeziumStreaming() {
  }

  /** True when connected, false when not yet, null when the connector publishes no streaming metrics at all. */
  static Boolean connected() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      java.util.Set<ObjectName> names = server.queryNames(
          new ObjectName("debezium.*:type=connector-metrics,context=streaming,*"), null);
      for (ObjectName name : names) {
        if (Boolean.TRUE.equals(server.getAttribute(name, "Connected"))) {
          return true;
        }
      }
      return names.isEmpty() ? null : false;
    } catch (javax.management.JMException e) {
      return null;
    }
  }
}
