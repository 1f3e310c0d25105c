package dev.lakesync.serving.sinks;

import com.sun.net.httpserver.HttpsConfigurator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for the in-process Azure stand-ins: the SDKs refuse keys over plain HTTP. A self-signed certificate for
 * 127.0.0.1 is made once per JVM with the JDK's keytool and made this JVM's trust store, as one would trust the
 * Cosmos DB emulator's certificate.
 */
final class TestTls {
  private static final char[] PASSWORD = "test-only".toCharArray();
  private static SSLContext context;

  private TestTls() {
  }

  static synchronized HttpsConfigurator configurator() throws Exception {
    if (context == null) {
      Path dir = Files.createTempDirectory("lakesync-test-tls-");
      Path store = dir.resolve("stand-in.p12");
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "stand-in", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
          "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
          .redirectErrorStream(true).start();
      String output = new String(keytool.getInputStream().readAllBytes());
      if (keytool.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD);
      }
      KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      managers.init(keys, PASSWORD);
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(managers.getKeyManagers(), null, null);
      System.setProperty("javax.net.ssl.trustStore", store.toString());
      System.setProperty("javax.net.ssl.trustStorePassword", new String(PASSWORD));
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      context = server;
    }
    return new HttpsConfigurator(context);
  }
}
