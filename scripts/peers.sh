# Sourced by ./sigstack: the real peers that tests use besides PostgreSQL.
# - Debian packages: docker-registry (an OCI registry), skopeo, softhsm2 (PKCS#11), installed when missing
#   and when this user may install them.
# - Node packages for every Node peer (tuf-js, @sigstore/tuf, sigstore-js, @sigstore/cli), installed by npm into
#   interop/node_modules: the interop suite and the ca-service and cli sigstore-js checks all use them.

SIGSTACK_DEBIAN_PACKAGES="docker-registry skopeo softhsm2"

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

sigstack_peers_start() {
  if [ -f interop/package.json ] && command -v npm >/dev/null 2>&1; then
    if [ ! -d interop/node_modules ] || [ interop/package.json -nt interop/node_modules ]; then
      echo "sigstack: installing Node packages for the interop tests"
      (cd interop && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
        || echo "sigstack: npm install failed; Node interop tests will skip" >&2
    fi
  fi
}

sigstack_peers_stop() {
  :
}
