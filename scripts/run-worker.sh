#!/usr/bin/env bash
# `make worker`: a Celery worker with beat embedded (-B), on the dev settings unless DJANGO_SETTINGS_MODULE says
# otherwise (portal/celery.py would default to production). Beat runs the ERP pull, the outbox sweeps, the Zendesk
# pull and the mail queue (CELERY_BEAT_SCHEDULE). With REDIS_URL set, the worker also consumes the tasks runserver
# queues; without it the dev settings run tasks inline, so beat's tasks run in the beat process itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"
mkdir -p var
exec .venv/bin/celery -A portal worker -B --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule ${WORKER_LOG:+--logfile "$WORKER_LOG"}
