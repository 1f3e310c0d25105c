#!/usr/bin/env bash
# Collects what the Synapse Spark job definitions in sparkJobDefinitions/ reference, under the names they use,
# into OUT (default deploy/synapse/out), ready for:
#   az storage fs directory upload -f artifacts --account-name "$ADLS_ACCOUNT" -s OUT/* -d lakesync/0.1.0-SNAPSHOT --recursive
# Build first: mvn -B -DskipTests -Psynapse package -pl stream-processor,warehouse-loader,serving-sync -am
# Spark 3.5, Delta 3.2, spark-sql-kafka, kafka-clients, commons-pool2, Jackson and a PostgreSQL driver come with the
# pool's runtime (its release notes list them); only lakesync's jars and the libraries the pool lacks are staged.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$HOME_DIR/deploy/synapse/out}"
VERSION="0.1.0-SNAPSHOT"
mkdir -p "$OUT/lib"

# module jars, as the definitions' "file" and "jars" name them
for module in stream-processor warehouse-loader serving-sync serving-sinks eventhubs-auth-spark lake common; do
  jar="$HOME_DIR/$module/target/lakesync-$module-$VERSION.jar"
  [ -f "$jar" ] || { echo "missing $jar: build first (see the comment at the top)" >&2; exit 1; }
  case "$module" in
    stream-processor|warehouse-loader|serving-sync) cp "$jar" "$OUT/" ;;
  esac
  cp "$jar" "$OUT/lib/lakesync-$module.jar"
done

# third-party libraries, without their version in the name (the definitions stay valid across upgrades)
LIBS="snakeyaml picocli mssql-jdbc"
# For deploy/spark-submit/lakesync-submit.sh on other clusters, which lack the pool's PostgreSQL driver; no Synapse
# job definition lists it.
SUBMIT_LIBS="postgresql"
for lib in $LIBS $SUBMIT_LIBS; do
  found="$(ls "$HOME_DIR"/*/target/lib/"$lib"-[0-9]*.jar 2>/dev/null | head -1 || true)"
  [ -n "$found" ] || { echo "no $lib jar under */target/lib: build first" >&2; exit 1; }
  cp "$found" "$OUT/lib/$lib.jar"
done
cp "$HOME_DIR/deploy/azure/pipeline.yaml" "$OUT/pipeline.yaml"
echo "staged in $OUT: $(ls "$OUT" "$OUT/lib" | wc -l) files"
