# Sourced by ./sigstack test: starts a private PostgreSQL cluster in a temporary folder on a free
# loopback port, and exports SIGSTACK_PG_BIN, SIGSTACK_PG_PORT, SIGSTACK_PG_DATA and SIGSTACK_PG_URL.
# The tests use the same binaries to kill and restart it (durability and failover tests).

sigstack_pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

sigstack_free_port() {
  # A random loopback port that nothing listens on (bash's /dev/tcp: no python or ss needed).
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
}

sigstack_pg_start() {
  local bin user
  bin=$(sigstack_pg_bindir) || { echo "sigstack: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin" >&2; return 1; }
  SIGSTACK_PG_TMP=$(mktemp -d /tmp/sigstack-pg.XXXXXX)
  SIGSTACK_PG_DATA="$SIGSTACK_PG_TMP/data"
  SIGSTACK_PG_PORT=$(sigstack_free_port)
  user=""
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the 'postgres' user (created by the package).
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$SIGSTACK_PG_TMP"
    user="postgres"
  fi
  sigstack_as() { if [ -n "$user" ]; then runuser -u "$user" -- "$@"; else "$@"; fi; }
  sigstack_as "$bin/initdb" -D "$SIGSTACK_PG_DATA" -U sigstack --auth=trust -E UTF8 >"$SIGSTACK_PG_TMP/initdb.log" 2>&1 \
    || { cat "$SIGSTACK_PG_TMP/initdb.log" >&2; return 1; }
  cat >>"$SIGSTACK_PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $SIGSTACK_PG_PORT
unix_socket_directories = '$SIGSTACK_PG_TMP'
max_connections = 200
fsync = on
synchronous_commit = on
CONF
  sigstack_as "$bin/pg_ctl" -D "$SIGSTACK_PG_DATA" -l "$SIGSTACK_PG_TMP/server.log" -w -t 60 start >/dev/null \
    || { cat "$SIGSTACK_PG_TMP/server.log" >&2; return 1; }
  sigstack_as "$bin/createdb" -h 127.0.0.1 -p "$SIGSTACK_PG_PORT" -U sigstack sigstack
  export SIGSTACK_PG_BIN="$bin" SIGSTACK_PG_DATA SIGSTACK_PG_PORT SIGSTACK_PG_TMP
  export SIGSTACK_PG_USER_OS="$user"
  export SIGSTACK_PG_URL="jdbc:postgresql://127.0.0.1:$SIGSTACK_PG_PORT/sigstack?user=sigstack"
  echo "sigstack: private PostgreSQL on 127.0.0.1:$SIGSTACK_PG_PORT (data in $SIGSTACK_PG_DATA)"
}

sigstack_pg_stop() {
  [ -n "${SIGSTACK_PG_DATA:-}" ] || return 0
  if [ -n "${SIGSTACK_PG_USER_OS:-}" ]; then
    runuser -u "$SIGSTACK_PG_USER_OS" -- "$SIGSTACK_PG_BIN/pg_ctl" -D "$SIGSTACK_PG_DATA" -m immediate stop >/dev/null 2>&1
  else
    "$SIGSTACK_PG_BIN/pg_ctl" -D "$SIGSTACK_PG_DATA" -m immediate stop >/dev/null 2>&1
  fi
  rm -rf "$SIGSTACK_PG_TMP"
}
