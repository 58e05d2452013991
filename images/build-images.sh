#!/usr/bin/env bash
# ./sigstack images: the base image (images/base/build-base.sh), then one OCI image per deployable part with Jib
# (Maven profile "images"): ca-service, tlog-service, admission-gate, tuf-repo-builder (the TUF mirror, `serve`) and
# log-monitor. Writes each module's target/image/<name>.tar (an OCI archive: podman load, skopeo copy oci-archive:)
# and images/target/images.txt: name, digest, compressed size (the sum of the manifest's layer sizes) and archive path.
#   images/build-images.sh [MODULE ...]     default: all five
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
sigstack_find_jdk >/dev/null || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(ca-service tlog-service admission-gate tuf-repo-builder log-monitor)

base_started=$(date +%s)
images/base/build-base.sh "$root/images/target/base"
base_seconds=$(( $(date +%s) - base_started ))
started=$(date +%s)
list=$(IFS=,; echo "${modules[*]}")
./mvnw -B -q -ntp -Pimages -DskipTests -Dsigstack.jmh.skip=true -pl "$list" -am package
images_seconds=$(( $(date +%s) - started ))

# The sum of a manifest's layer sizes (what a registry stores and a node pulls), read with sed and awk alone.
layers_size() { sed 's/.*"layers":\[//' | grep -o '"size":[0-9]*' | cut -d: -f2 | awk '{s += $1} END {print s}'; }
manifest_of_layout() { local d=$1 m; m=$(grep -o 'sha256:[0-9a-f]*' "$d/index.json" | head -1 | cut -d: -f2); cat "$d/blobs/sha256/$m"; }
manifest_of_archive() { local t=$1 m; m=$(tar xOf "$t" index.json | grep -o 'sha256:[0-9a-f]*' | head -1 | cut -d: -f2); tar xOf "$t" "blobs/sha256/$m"; }

out="$root/images/target/images.txt"
{
  echo "# image digest compressed-bytes archive (base built in ${base_seconds}s, images in ${images_seconds}s)"
  echo "sigstack/base $(cat images/target/base/base.digest) $(manifest_of_layout images/target/base/oci | layers_size) images/target/base/oci"
  for m in "${modules[@]}"; do
    tarball="$m/target/image/$m.tar"
    echo "sigstack/$m $(cat "$m/target/image/$m.digest") $(manifest_of_archive "$tarball" | layers_size) $tarball"
  done
} > "$out"
cat "$out"
