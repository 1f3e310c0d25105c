package dev.lakesync.common.config;

import java.util.Properties;

/** The user and password of a JDBC connection as driver properties (each only when given). */
final class JdbcCredentials {
  private JdbcCredentials() {
  }

  static Properties of(String user, Secret password) {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password.reveal());
    }
    return properties;
  }
}
