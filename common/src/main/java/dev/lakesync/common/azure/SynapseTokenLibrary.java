package dev.lakesync.common.azure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The Synapse workspace's token library, present on the classpath of every Synapse Spark job and nowhere else: the
 * way Microsoft documents for a job to reach Key Vault secrets (through a linked service, as the workspace's managed
 * identity) and to get Microsoft Entra tokens. Reached by reflection: it is not published to Maven Central.
 */
public final class SynapseTokenLibrary {
  static final String CLASS = "com.microsoft.azure.synapse.tokenlibrary.TokenLibrary";

  private SynapseTokenLibrary() {
  }

  /** Whether this JVM runs inside Synapse (the library is on the classpath). */
  public static boolean available() {
    try {
      Class.forName(CLASS, false, SynapseTokenLibrary.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** A Key Vault secret, read through the linked service; throws naming the vault and secret, never a value. */
  public static String secret(String vault, String name, String linkedService) {
    return (String) call("getSecret", new Object[] {vault, name, linkedService}, "secret " + name + " of Key Vault "
        + vault + " (linked service " + linkedService + ")");
  }

  /**
   * A Microsoft Entra access token for the workspace's managed identity, for one of the audiences the token library
   * names (DW for the dedicated SQL pool, Storage, Vault, AzureManagement, ...): it refuses any other.
   */
  public static String accessToken(String audience) {
    return (String) call("getToken", new Object[] {audience}, "an access token for audience " + audience);
  }

  private static Object call(String method, Object[] args, String what) {
    Class<?>[] types = new Class<?>[args.length];
    java.util.Arrays.fill(types, String.class);
    try {
      Class<?> library = Class.forName(CLASS, true, SynapseTokenLibrary.class.getClassLoader());
      Method found;
      try {
        found = library.getMethod(method, types);
      } catch (NoSuchMethodException e) {
        found = library.getMethod("getAccessToken", types); // the library's older name for getToken
      }
      Object target = null;
      if (!Modifier.isStatic(found.getModifiers())) { // a Scala object without static forwarders
        target = Class.forName(CLASS + "$").getField("MODULE$").get(null);
      }
      return found.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("the Synapse token library could not get " + what + ": " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the Synapse token library is not usable here (" + e + ") to get " + what, e);
    }
  }
}
