package dev.lakesync.warehouse;

import dev.lakesync.common.config.WarehouseConfig;

/** The dialect of a configured warehouse. */
final class Dialects {
  private Dialects() {
  }

  static WarehouseDialect of(WarehouseConfig warehouse) {
    switch (warehouse.type()) {
      case POSTGRESQL:
        return new PostgresDialect(warehouse);
      case SYNAPSE:
        return TsqlDialect.synapse(StagingLocation.of(warehouse.stagingUri()), warehouse.schema());
      default:
        return TsqlDialect.sqlServer(warehouse.schema());
    }
  }
}
