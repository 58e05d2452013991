#!/usr/bin/env bash
# Refreshes packages.lock (each Debian package's current version and the sha256 of its .deb, as apt-get serves them
# now) and modules.lock (the Java modules the services need: jdeps --print-module-deps over the service jars and
# their dependencies). Run it when build-base.sh says Debian has moved on, review the diff, and commit both files.
#   images/base/lock.sh [--packages-only]     (run `apt-get update` first)
# --packages-only keeps the module list (no jars needed) and only marks it for this JDK. SIGSTACK_LOCK_DIR writes the
# two files elsewhere (./sigstack test does, when the committed lock is stale).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${SIGSTACK_LOCK_DIR:-$here}
mkdir -p "$out"
. "$root/scripts/jdk.sh"
sigstack_find_jdk >/dev/null || exit 1
packages="base-files libc6 libgcc-s1 zlib1g ca-certificates tzdata netbase"
arch=$(dpkg --print-architecture)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 0777 "$tmp" # apt-get download fetches as the _apt user when it can
{
  echo "# name version arch sha256: made by images/base/lock.sh on $(date -u +%Y-%m-%d); build-base.sh fetches exactly these"
  for p in $packages; do
    (cd "$tmp" && apt-get download -q=2 "$p" >/dev/null)
    f=$(ls "$tmp/"*.deb)
    echo "$p $(dpkg-deb -f "$f" Version) $(dpkg-deb -f "$f" Architecture) $(sha256sum "$f" | cut -d' ' -f1)"
    rm -f "$f"
  done
} > "$out/packages.lock.new"
mv "$out/packages.lock.new" "$out/packages.lock"
if [ "${1:-}" = --packages-only ]; then
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")
  { echo "# jdk $major: the modules jlink puts in the base image; copied from images/base/modules.lock by lock.sh --packages-only"
    grep -v '^#' "$here/modules.lock"; } > "$out/modules.lock.new"
  mv "$out/modules.lock.new" "$out/modules.lock"
  echo "lock: $(grep -vc '^#' "$out/packages.lock") packages refreshed in $out"
  exit 0
fi
# The modules: what jdeps finds from each service jar through its dependencies (-R, everything on the class path, as
# the images run it), plus what is loaded reflectively, which jdeps cannot see.
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")
found=""
for m in ca-service tlog-service admission-gate tuf-repo-builder log-monitor; do
  [ -f "$root/$m/target/$m.jar" ] || { echo "lock: build first (./mvnw -B -q -DskipTests package): $m/target/$m.jar is missing" >&2; exit 1; }
  found="$found,$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release "$major" --print-module-deps -q -R \
    --class-path "$root/$m/target/libs/*" "$root/$m/target/$m.jar")"
done
# reflective or service-loaded: JCA providers (jdk.crypto.ec, jdk.crypto.cryptoki for PKCS#11), DNS (jdk.naming.dns),
# JFR and management for operations, zipfs, charsets, localedata for formatting.
extra="jdk.crypto.ec,jdk.crypto.cryptoki,jdk.naming.dns,jdk.jfr,jdk.management,jdk.management.agent,jdk.zipfs,jdk.charsets,jdk.localedata,jdk.unsupported"
all=$(echo "$found,$extra" | tr ',' '\n' | grep -v '^$' | sort -u | paste -sd, -)
{ echo "# jdk $major: the modules jlink puts in the base image; made by images/base/lock.sh"; echo "$all"; } > "$out/modules.lock"
echo "lock: $(grep -vc '^#' "$out/packages.lock") packages, modules: $all"
