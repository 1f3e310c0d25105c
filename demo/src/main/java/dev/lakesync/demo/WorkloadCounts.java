package dev.lakesync.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the workload generator committed: row changes per table and operation, and the rule-breaking rows per kind.
 * Updated by the generator thread, read by progress output and tests.
 */
public final class WorkloadCounts {
  /** Row-level operations, as Debezium names them. */
  public enum Op { INSERT, UPDATE, DELETE }

  /** The kinds of rule-breaking rows the generator writes, with the demo rule each one breaks. */
  public enum Violation {
    NEGATIVE_AMOUNT("bank.payments", "amount_positive"),
    UNKNOWN_CURRENCY("bank.payments", "currency_iso"),
    BAD_EMAIL("bank.customers", "email_format");

    private final String table;
    private final String rule;

    Violation(String table, String rule) {
      this.table = table;
      this.rule = rule;
    }

    public String table() {
      return table;
    }

    public String rule() {
      return rule;
    }
  }

  private final Map<String, AtomicLong[]> changes = new LinkedHashMap<>();
  private final Map<Violation, AtomicLong> violations = new LinkedHashMap<>();

  WorkloadCounts() {
    for (String table : new String[] {"bank.customers", "bank.accounts", "bank.payments"}) {
      changes.put(table, new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
    }
    for (Violation violation : Violation.values()) {
      violations.put(violation, new AtomicLong());
    }
  }

  void add(String table, Op op, long rows) {
    changes.get(table)[op.ordinal()].addAndGet(rows);
  }

  void add(Violation violation) {
    violations.get(violation).incrementAndGet();
  }

  /** Adds everything counted in {@code pending} (one committed transaction) to these counts. */
  void addAll(WorkloadCounts pending) {
    pending.changes.forEach((table, ops) -> {
      for (Op op : Op.values()) {
        add(table, op, ops[op.ordinal()].get());
      }
    });
    pending.violations.forEach((violation, count) -> violations.get(violation).addAndGet(count.get()));
  }

  void clear() {
    changes.values().forEach(ops -> {
      for (AtomicLong count : ops) {
        count.set(0);
      }
    });
    violations.values().forEach(count -> count.set(0));
  }

  public long changes(String table, Op op) {
    AtomicLong[] ops = changes.get(table);
    return ops == null ? 0 : ops[op.ordinal()].get();
  }

  public long totalChanges() {
    long total = 0;
    for (AtomicLong[] ops : changes.values()) {
      for (AtomicLong count : ops) {
        total += count.get();
      }
    }
    return total;
  }

  public long violations(Violation violation) {
    return violations.get(violation).get();
  }

  public long totalViolations() {
    return violations.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Rule-breaking rows written to {@code table} (each should end up in that table's quarantine). */
  public long violations(String table) {
    long total = 0;
    for (Violation violation : Violation.values()) {
      if (violation.table().equals(table)) {
        total += violations(violation);
      }
    }
    return total;
  }

  public Map<String, Long> asMap() {
    Map<String, Long> map = new LinkedHashMap<>();
    changes.forEach((table, ops) -> {
      for (Op op : Op.values()) {
        map.put(table + "." + op.name().toLowerCase(java.util.Locale.ROOT), ops[op.ordinal()].get());
      }
    });
    violations.forEach((violation, count) -> map.put("violations." + violation.rule(), count.get()));
    return map;
  }

  /** One line per table plus one for violations, for the console. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    changes.forEach((table, ops) -> text.append(String.format("  %-16s inserts=%d updates=%d deletes=%d%n", table,
        ops[0].get(), ops[1].get(), ops[2].get())));
    text.append("  rule-breaking rows:");
    violations.forEach((violation, count) -> text.append(' ').append(violation.table()).append('/')
        .append(violation.rule()).append('=').append(count.get()));
    return text.toString();
  }
}
