#!/usr/bin/env bash
# Builds the services' base image without a Docker daemon or Docker Hub, reproducibly:
#   - the Debian packages named in packages.lock, fetched with `apt-get download NAME=VERSION`, checked against the
#     lock's sha256 and unpacked with `dpkg-deb -x` (no maintainer scripts run: the CA bundle is made here);
#   - a jlink'd runtime at /opt/java with the modules listed in modules.lock, from the JDK 21+ that scripts/jdk.sh finds;
#   - user nonroot (65532:65532), /tmp and the home folder the only writable places a read-only root needs.
# One layer: a tar sorted by name, every mtime 0, numeric owners, then `gzip -n`; an OCI layout written by hand
# (config, manifest, index) with created = 1970-01-01, so the same inputs give the same digest; then
# `skopeo copy oci:... docker-archive:...` for Jib's `tar://` base (Jib takes a docker-archive, not an OCI archive).
#
#   images/base/build-base.sh [OUT_DIR]     default images/target/base
# Writes OUT_DIR/oci (OCI layout, tag "base"), OUT_DIR/base.tar (docker-archive), OUT_DIR/base.digest.
# Exit 3 when Debian no longer serves a locked version (refresh with images/base/lock.sh), 1 on any other failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/images/target/base}
mkdir -p "$out" && out=$(cd "$out" && pwd) # absolute: the downloads run in a subshell inside it
lock=${SIGSTACK_LOCK_DIR:-$here} # packages.lock and modules.lock
. "$root/scripts/jdk.sh"
sigstack_find_jdk >/dev/null || exit 1

for tool in apt-get dpkg-deb sha256sum skopeo; do
  command -v "$tool" >/dev/null || { echo "base image: $tool is missing (apt-get install ${tool/apt-get/apt})" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out/debs" "$out/rootfs" "$out/oci/blobs/sha256"
rootfs="$out/rootfs"

# 1. Debian packages, exactly as locked.
chmod 0777 "$out/debs" # apt-get download fetches as the _apt user when it can
while read -r name version arch sha; do
  case "$name" in ''|\#*) continue ;; esac
  rm -f "$out/debs/"*.deb
  if ! (cd "$out/debs" && apt-get download -q=2 "$name=$version" >/dev/null 2>"$out/debs/$name.err"); then
    echo "base image: Debian no longer serves $name=$version ($(head -c 200 "$out/debs/$name.err" | tr '\n' ' ')); refresh the lock with images/base/lock.sh and commit images/base/packages.lock" >&2
    exit 3
  fi
  got=$(ls "$out/debs/"*.deb 2>/dev/null | head -1)
  [ -n "$got" ] || { echo "base image: apt-get download left no .deb for $name=$version" >&2; exit 1; }
  actual=$(sha256sum "$got" | cut -d' ' -f1)
  if [ "$actual" != "$sha" ]; then
    echo "base image: $name=$version has sha256 $actual, the lock says $sha: refusing it (refresh the lock with images/base/lock.sh only if Debian rebuilt it)" >&2
    exit 1
  fi
  dpkg-deb -x "$got" "$rootfs"
done < "$lock/packages.lock"

# What a container never needs: documentation, manuals, locales, the packages' own maintainer metadata.
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/usr/share/lintian" \
       "$rootfs/usr/share/locale" "$rootfs/usr/share/bug"

# The CA bundle that ca-certificates' postinst would make (update-ca-certificates), in its sorted order.
mkdir -p "$rootfs/etc/ssl/certs"
find "$rootfs/usr/share/ca-certificates" -name '*.crt' -print0 | LC_ALL=C sort -z | xargs -0 cat > "$rootfs/etc/ssl/certs/ca-certificates.crt"

# 2. The Java runtime: only the modules the services need (modules.lock, made by lock.sh with jdeps).
modules=$(grep -v '^#' "$lock/modules.lock" | tr -d ' \n')
jdk_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")
want_major=$(sed -n 's/^# jdk \([0-9]*\).*/\1/p' "$lock/modules.lock")
if [ -n "$want_major" ] && [ "${jdk_version%%.*}" != "$want_major" ]; then
  echo "base image: modules.lock was made for JDK $want_major, this JDK is $jdk_version ($JAVA_HOME); refresh with images/base/lock.sh" >&2
  exit 3
fi
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$rootfs/opt/java"

# 3. Users, writable places, and what a read-only root still needs.
mkdir -p "$rootfs/etc" "$rootfs/home/nonroot" "$rootfs/tmp" "$rootfs/data"
cat > "$rootfs/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$rootfs/etc/group" <<GROUP
root:x:0:
nonroot:x:65532:
GROUP
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
chown 65532:65532 "$rootfs/home/nonroot" "$rootfs/data"
chmod 0755 "$rootfs/home/nonroot" "$rootfs/data"

# 4. One reproducible layer.
layer_tar="$out/layer.tar"
(cd "$rootfs" && tar --sort=name --mtime=@0 --numeric-owner --format=posix \
   --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$layer_tar" .)
diff_id=$(sha256sum "$layer_tar" | cut -d' ' -f1)
gzip -n -9 -c "$layer_tar" > "$out/layer.tar.gz"
layer_digest=$(sha256sum "$out/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$out/layer.tar.gz")
mv "$out/layer.tar.gz" "$out/oci/blobs/sha256/$layer_digest"
rm -f "$layer_tar"

# 5. The OCI layout: config, manifest, index. Field order fixed, no whitespace, so the bytes are the same each time.
epoch="1970-01-01T00:00:00Z"
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"$epoch\",\"config\":{\"User\":\"65532:65532\",\"Env\":[\"PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"JAVA_HOME=/opt/java\",\"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\"],\"WorkingDir\":\"/home/nonroot\",\"Labels\":{\"org.opencontainers.image.title\":\"sigstack base\",\"dev.sigstack.jdk\":\"$jdk_version\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$diff_id\"]},\"history\":[{\"created\":\"$epoch\",\"created_by\":\"images/base/build-base.sh: packages.lock, jlink $jdk_version\"}]}"
printf '%s' "$config" > "$out/config.json"
config_digest=$(sha256sum "$out/config.json" | cut -d' ' -f1)
config_size=$(stat -c %s "$out/config.json")
mv "$out/config.json" "$out/oci/blobs/sha256/$config_digest"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$config_digest\",\"size\":$config_size},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$layer_digest\",\"size\":$layer_size}]}"
printf '%s' "$manifest" > "$out/manifest.json"
manifest_digest=$(sha256sum "$out/manifest.json" | cut -d' ' -f1)
manifest_size=$(stat -c %s "$out/manifest.json")
mv "$out/manifest.json" "$out/oci/blobs/sha256/$manifest_digest"
printf '%s' "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$manifest_digest\",\"size\":$manifest_size,\"annotations\":{\"org.opencontainers.image.ref.name\":\"base\"}}]}" > "$out/oci/index.json"
printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$out/oci/oci-layout"

# 6. The docker-archive that Jib's tar:// base takes.
skopeo copy -q "oci:$out/oci:base" "docker-archive:$out/base.tar:sigstack/base:latest" >/dev/null
echo "sha256:$manifest_digest" > "$out/base.digest"
rm -rf "$out/debs" "$rootfs"
echo "base image: sha256:$manifest_digest ($(( layer_size / 1024 / 1024 )) MiB compressed), docker-archive $out/base.tar"
