package dev.lakesync.serving;

import dev.lakesync.common.config.DocumentDeclaration;
import dev.lakesync.serving.sinks.DocumentType;
import java.util.List;

/**
 * A declared document type checked against the lake: its root table's key, the typed shape the sinks get, and a
 * fingerprint of the declaration and that shape (a new fingerprint means every document of the type is rebuilt).
 */
final class ResolvedDocument {
  private final DocumentDeclaration declaration;
  private final List<String> rootKey;
  private final DocumentType type;
  private final String fingerprint;

  ResolvedDocument(DocumentDeclaration declaration, List<String> rootKey, DocumentType type, String fingerprint) {
    this.declaration = declaration;
    this.rootKey = List.copyOf(rootKey);
    this.type = type;
    this.fingerprint = fingerprint;
  }

  DocumentDeclaration declaration() {
    return declaration;
  }

  String name() {
    return declaration.type();
  }

  /** The root table's key columns. */
  List<String> rootKey() {
    return rootKey;
  }

  DocumentType type() {
    return type;
  }

  /** Short hex digest; changes with any declared expression or with the resolved field types. */
  String fingerprint() {
    return fingerprint;
  }
}
