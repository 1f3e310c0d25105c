package com.microsoft.azure.synapse.tokenlibrary;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for Synapse's token library (same class and method names, which only Synapse's runtime provides): a
 * Key Vault reached through one linked service, refusing what the service refuses (an unknown vault, linked
 * service or secret).
 */
public final class TokenLibrary {
  /** vault/linkedService/secret to value. */
  public static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

  private TokenLibrary() {
  }

  public static String getSecret(String akvName, String secret, String linkedService) {
    if (!secret.matches("[0-9A-Za-z-]{1,127}")) {
      throw new IllegalArgumentException("Secret name '" + secret + "' is invalid: letters, digits and dashes only");
    }
    String value = SECRETS.get(akvName + "/" + linkedService + "/" + secret);
    if (value == null) {
      throw new IllegalStateException("SecretNotFound: A secret with (name/id) " + secret + " was not found in this key "
          + "vault, or linked service " + linkedService + " does not reach vault " + akvName);
    }
    return value;
  }

  /** Audiences the token service knows by name; a URL is refused as the service refuses it. */
  public static String getToken(String audience) {
    if (!audience.matches("[A-Za-z]+")) {
      throw new IllegalArgumentException("400: Audience has invalid characters");
    }
    if (!java.util.Set.of("Storage", "Vault", "AzureManagement", "DW", "Synapse", "DataLakeStore", "DataFactory",
        "AzureDataExplorer").contains(audience)) {
      throw new IllegalArgumentException("Not a recognized audience alias: " + audience);
    }
    return "token-for-" + audience;
  }
}
