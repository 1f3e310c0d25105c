#!/usr/bin/env bash
# spark-submit for a lakesync Spark job on any Spark 3.4/3.5 cluster with Delta (HDInsight, Kubernetes, standalone):
#   deploy/spark-submit/lakesync-submit.sh process|warehouse|serving|near-real-time [--once] [spark-submit options...]
# near-real-time is the process stage with the warehouse load and the serving sync in the same application.
# Ships lakesync's jars and the libraries a Spark distribution lacks (staged by deploy/synapse/stage-artifacts.sh)
# and the pipeline config (LAKESYNC_CONFIG, default deploy/azure/pipeline.yaml) next to the driver. The process
# stage's Kafka source comes as a package of the cluster's own Spark version (spark-submit resolves it and its
# kafka-clients, token provider and commons-pool2 from Maven Central).
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STAGED="${LAKESYNC_STAGED:-$HOME_DIR/deploy/synapse/out}"
CONFIG="${LAKESYNC_CONFIG:-$HOME_DIR/deploy/azure/pipeline.yaml}"
stage="${1:-}"; shift || true
once=()
with=()
if [ "${1:-}" = "--once" ]; then once=(--once); shift; fi
case "$stage" in
  process)   jar=lakesync-stream-processor; main=dev.lakesync.stream.StreamProcessorMain
             libs="lakesync-common lakesync-lake snakeyaml picocli lakesync-eventhubs-auth-spark"; kafka_source=yes ;;
  warehouse) jar=lakesync-warehouse-loader; main=dev.lakesync.warehouse.WarehouseLoaderMain
             libs="lakesync-common snakeyaml picocli lakesync-lake mssql-jdbc lakesync-eventhubs-auth-spark postgresql" ;;
  serving)   jar=lakesync-serving-sync; main=dev.lakesync.serving.ServingSyncMain
             libs="lakesync-common snakeyaml picocli lakesync-lake lakesync-serving-sinks postgresql" ;;
  near-real-time) jar=lakesync-stream-processor; main=dev.lakesync.stream.StreamProcessorMain; with=(--with warehouse,serving)
             libs="lakesync-common lakesync-lake snakeyaml picocli lakesync-eventhubs-auth-spark lakesync-warehouse-loader lakesync-serving-sync lakesync-serving-sinks mssql-jdbc postgresql"; kafka_source=yes ;;
  *) echo "usage: $0 process|warehouse|serving|near-real-time [--once] [spark-submit options...]" >&2; exit 2 ;;
esac
[ -d "$STAGED/lib" ] || { echo "nothing staged in $STAGED: run deploy/synapse/stage-artifacts.sh first" >&2; exit 1; }
jars=""
for lib in $libs; do jars="${jars:+$jars,}$STAGED/lib/$lib.jar"; done
packages=()
if [ "${kafka_source:-}" = yes ]; then
  spark_version="$(spark-submit --version 2>&1 | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p' | head -1)"
  [ -n "$spark_version" ] || { echo "cannot tell this cluster's Spark version from spark-submit --version" >&2; exit 1; }
  packages=(--packages "org.apache.spark:spark-sql-kafka-0-10_2.12:$spark_version")
fi
exec spark-submit --class "$main" --jars "$jars" "${packages[@]}" --files "$CONFIG" \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  "$@" "$STAGED/$jar-0.1.0-SNAPSHOT.jar" --config "$(basename "$CONFIG")" "${once[@]}" "${with[@]}"
