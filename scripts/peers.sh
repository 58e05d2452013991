# Sourced by ./sigstack: the real peers that tests use besides PostgreSQL.
# - Debian packages: docker-registry (an OCI registry), skopeo, softhsm2 (PKCS#11), installed when missing
#   and when this user may install them.
# - Node packages for the interop tests (sigstore-js, @sigstore/cli, tuf-js), installed by npm where a
#   test folder has a package.json (SIGSTACK_NODE_DIRS).

SIGSTACK_DEBIAN_PACKAGES="docker-registry skopeo softhsm2 podman runc"

sigstack_install_packages() {
  local missing="" pkg
  for pkg in $SIGSTACK_DEBIAN_PACKAGES; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "sigstack: installing Debian packages:$missing"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
      || echo "sigstack: could not install$missing; tests that need them will skip" >&2
  else
    echo "sigstack: missing Debian packages:$missing (run as root, or install them; tests that need them will skip)" >&2
  fi
}

# Folders whose package.json lists Node peers for tests (sigstore-js, @sigstore/cli, tuf-js).
SIGSTACK_NODE_DIRS="interop"

sigstack_peers_start() {
  local dir
  command -v npm >/dev/null 2>&1 || { echo "sigstack: npm not found; Node interop tests will skip" >&2; return 0; }
  for dir in $SIGSTACK_NODE_DIRS; do
    [ -f "$dir/package.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules" ]; then
      echo "sigstack: installing Node packages in $dir"
      if [ -f "$dir/package-lock.json" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
      else
        (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
      fi || echo "sigstack: npm failed in $dir; the tests that need it will skip" >&2
    fi
  done
}

sigstack_peers_stop() {
  :
}
