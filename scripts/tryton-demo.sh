#!/usr/bin/env bash
# `make erp`: serve a local Tryton 8.2 (http://127.0.0.1:8800, database "erp") holding the demo companies of
# `make run` as parties, their admins as contact persons, a few invoices, and clients of the partners ("Client of"
# relations) with a posted invoice a month, which the pull turns into dashboard turnover. Options: --port N, --reset.
# The database is kept in var/tryton/ between runs; the first run of a day builds and seeds it (≈ 35 s at low load,
# cached: a fresh copy later that day takes a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "No .venv yet: run 'make install-dev' first." >&2
  exit 1
fi
if ! "$PY" -c "import trytond, proteus" 2>/dev/null; then
  echo "Installing the Tryton packages (requirements-dev.txt)…"
  .venv/bin/pip install --quiet -r requirements-dev.txt
fi
mkdir -p var
exec "$PY" -m integrations.erp.tryton.demo "$@"
