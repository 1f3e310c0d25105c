package dev.lakesync.common.config;

import dev.lakesync.common.azure.SynapseTokenLibrary;
import java.util.function.Function;

/**
 * Where {@code ${NAME}} references are looked up: the process environment, or, in a Synapse Spark job, the Key Vault
 * named by {@code secrets.keyVault} through its linked service (a job definition sets no environment for its driver).
 * Key Vault names allow only letters, digits and dashes: {@code ${WAREHOUSE_PASSWORD}} is the secret
 * {@code WAREHOUSE-PASSWORD}.
 */
final class VariableSource {
  private final Function<String, String> lookup;
  private final Function<String, String> missing;

  private VariableSource(Function<String, String> lookup, Function<String, String> missing) {
    this.lookup = lookup;
    this.missing = missing;
  }

  static VariableSource environment(Function<String, String> env) {
    return new VariableSource(env, name -> "environment variable " + name + " is not set (write ${" + name
        + ":-default} to give a default)");
  }

  static VariableSource keyVault(String vault, String linkedService) {
    String[] failure = new String[1];
    return new VariableSource(name -> {
      try {
        return SynapseTokenLibrary.secret(vault, secretName(name), linkedService);
      } catch (IllegalStateException e) {
        failure[0] = e.getMessage();
        return null;
      }
    }, name -> "${" + name + "}: " + (failure[0] == null ? "Key Vault " + vault + " has no secret " + secretName(name)
        : failure[0]));
  }

  /** The Key Vault secret that holds variable {@code name}. */
  static String secretName(String name) {
    return name.replace('_', '-');
  }

  /** The value, or null when it is not there. */
  String get(String name) {
    return lookup.apply(name);
  }

  /** Why {@code name} has no value, for the problem list. */
  String missing(String name) {
    return missing.apply(name);
  }
}
