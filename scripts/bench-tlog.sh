#!/usr/bin/env bash
# Runs the transparency-log load generator (tlog-service TlogLoadBenchmark, test scope) by hand; not part of
# ./mvnw verify. Needs SIGSTACK_PG_URL for the PostgreSQL rows (a private cluster as ./sigstack test starts).
#   scripts/bench-tlog.sh [-Dbench.seconds=15 -Dbench.warmup=60 -Dbench.clients=128 -Dbench.fill=1048576
#                          -Dbench.parts=bound,http,proofs -Dbench.rows=pg,h2,pg-v2,h2-v2,pg-raw,h2-raw]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
. scripts/jdk.sh
sigstack_find_jdk || exit 1
./mvnw -B -q -o -pl tlog-service -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="tlog-service/target/test-classes:tlog-service/target/classes:core/target/test-classes:core/target/classes"
cp="$cp:$(cat tlog-service/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" -Xmx2g -XX:+UseParallelGC -cp "$cp" \
  -Dbench.out="${BENCH_OUT:-tlog-service/target/bench-tlog.md}" "$@" dev.sigstack.tlog.TlogLoadBenchmark
