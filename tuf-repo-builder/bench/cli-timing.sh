#!/usr/bin/env bash
# Times "build, sign and package" through the CLI, cold JVMs: init (stack targets, 2-of-3 root,
# every role signed) + package (verify, mirrorFS, TrustRoot YAML). Prints each run and the median.
# Also prints the CPU time (user+sys) of the two JVMs, which a busy shared machine inflates less.
# usage: tuf-repo-builder/bench/cli-timing.sh [RUNS]   (after ./mvnw -pl tuf-repo-builder -am package)
set -euo pipefail
runs=${1:-11}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar="$(cd "$(dirname "$0")/.." && pwd)/target/tuf-repo-builder.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cli() { "$java" -jar "$jar" "$@" >/dev/null 2>&1; }
cpu() { /usr/bin/time -f "%U %S" -a -o "$work/cpu" "$java" -jar "$jar" "$@" >/dev/null 2>&1; }
cli dev-stack --out "$work/keys"
k=$work/keys
times=()
cpus=()
for i in $(seq 1 "$runs"); do
  : > "$work/cpu"
  start=$(date +%s%N)
  cpu init --repo "$work/r$i" --root-key "$k/root1.key" --root-key "$k/root2.key" --root-pub "$k/root3.key" \
    --root-threshold 2 --targets-key "$k/targets.key" --snapshot-key "$k/snapshot.key" \
    --timestamp-key "$k/timestamp.key" --stack "$k/stack.yaml"
  cpu package --repo "$work/r$i" --out "$work/p$i"
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  cpums=$(awk '{ t += $1 + $2 } END { printf "%d", t * 1000 }' "$work/cpu")
  times+=("$ms")
  cpus+=("$cpums")
  echo "run $i: wall ${ms} ms, cpu ${cpums} ms"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
csorted=($(printf '%s\n' "${cpus[@]}" | sort -n))
echo "median of $runs: wall ${sorted[$((runs / 2))]} ms (min ${sorted[0]} ms, max ${sorted[$((runs - 1))]} ms); cpu ${csorted[$((runs / 2))]} ms"
# The same work in one JVM: init --package-out.
one=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  cli init --repo "$work/s$i" --root-key "$k/root1.key" --root-key "$k/root2.key" --root-pub "$k/root3.key" \
    --root-threshold 2 --targets-key "$k/targets.key" --snapshot-key "$k/snapshot.key" \
    --timestamp-key "$k/timestamp.key" --stack "$k/stack.yaml" --package-out "$work/q$i"
  end=$(date +%s%N)
  one+=($(( (end - start) / 1000000 )))
done
osorted=($(printf '%s\n' "${one[@]}" | sort -n))
echo "one JVM (init --package-out): median wall ${osorted[$((runs / 2))]} ms (min ${osorted[0]} ms, max ${osorted[$((runs - 1))]} ms)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPU(s)"
