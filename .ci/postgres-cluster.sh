# Sourced by .ci/run: starts a throw-away PostgreSQL cluster for the tests and stops it on exit.
#
# initdb into a fresh temporary directory owned by the `postgres` system user (the server refuses to run as root),
# listening only on 127.0.0.1 at a random free port, with one database `flowtest`. Exports
# FLOW_TEST_POSTGRES_URL (what the PostgreSQL tests connect to) and FLOW_REQUIRE_POSTGRES=1 (so they fail rather
# than skip when it is missing). The EXIT trap stops the server and removes the directory.
# By hand: `bash -c 'source .ci/postgres-cluster.sh; echo $FLOW_TEST_POSTGRES_URL; psql "$FLOW_TEST_POSTGRES_URL"'`.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pg_bin" ]; then
  echo "postgres-cluster: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi
pg_dir=$(mktemp -d /tmp/flow-pg.XXXXXX)
chown postgres: "$pg_dir"
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

flow_pg_stop() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap flow_pg_stop EXIT

runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log" >&2; exit 1; }
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
  || { cat "$pg_dir/server.log" >&2; exit 1; }
runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres flowtest

export FLOW_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/flowtest?sslmode=disable"
export FLOW_REQUIRE_POSTGRES=1
echo "postgres-cluster: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') at $FLOW_TEST_POSTGRES_URL (data in $pg_dir)"
