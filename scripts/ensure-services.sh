#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer before the tests run:
# start the local services when they are installed but stopped; otherwise say what to install.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local port=$1
  for _ in $(seq 1 30); do port_open "$port" && return 0; sleep 0.5; done
  return 1
}

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
    wait_for 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432; see /var/log/postgresql/." >&2; exit 1; }
  else
    echo "PostgreSQL is not reachable on 127.0.0.1:5432: install it (Debian: apt-get install postgresql) or start it." >&2
    exit 1
  fi
fi

if ! port_open 6379; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    wait_for 6379 || { echo "Redis did not start on 127.0.0.1:6379." >&2; exit 1; }
  else
    echo "Redis is not reachable on 127.0.0.1:6379: install it (Debian: apt-get install redis-server) or start it." >&2
    exit 1
  fi
fi

# The project database itself (pytest creates test_brello from it; makemigrations --check connects to it).
if command -v psql >/dev/null; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'brello'" 2>/dev/null | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE brello" 2>/dev/null || true
fi
