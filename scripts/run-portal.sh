#!/usr/bin/env bash
# `make run`: serve the portal on 127.0.0.1:8000. With an ERP configured (ERP_BACKEND, e.g. the settings `make erp`
# prints), it first pulls the ERP once and runs a Celery worker with beat alongside runserver (stopped with it on
# Ctrl+C), so pulls and outbox deliveries happen without compose. Without an ERP it only serves, as before.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"
MANAGE=(.venv/bin/python manage.py)

if [ -n "${ERP_BACKEND:-}" ]; then
  # An ERP that is down must not stop the portal: beat pulls again every ERP_PULL_INTERVAL_SECONDS.
  pulled=$("${MANAGE[@]}" erp_pull --if-configured 2>&1) || pulled="$pulled
The first pull failed; the worker pulls again when the ERP answers."
  echo "$pulled"
fi
if [ -n "${ERP_BACKEND:-}" ] && ! grep -q "No ERP is configured" <<<"$pulled"; then
  WORKER_LOG=var/worker.log scripts/run-worker.sh &
  worker=$!
  trap 'kill -TERM "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT
  echo "Celery worker and beat running (pid $worker); log: var/worker.log"
fi
echo ""
echo "Serving http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)  — stop with Ctrl+C"
"${MANAGE[@]}" runserver 127.0.0.1:8000
