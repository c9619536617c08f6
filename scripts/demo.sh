#!/usr/bin/env bash
# `make demo`: migrate and seed SQLite under var/, then run web, Celery worker and Celery beat
# until Ctrl-C. Mail is written to var/mail/ as files. Uses Redis only when REDIS_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-helpdesk.settings.dev}"
PY=.venv/bin/python
mkdir -p var/static var/mail var/log  # the settings create the broker's folders

$PY manage.py migrate --no-input -v0
$PY manage.py seed_demo --history

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, worker and beat..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

# One worker for every queue (helpdesk.celery.QUEUES); production runs one worker per queue.
.venv/bin/celery -A helpdesk worker -Q default,sweeps,mail,webhooks,monitoring --loglevel=INFO --concurrency=2 \
  >var/log/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A helpdesk beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 --noreload >var/log/web.log 2>&1 &
pids+=($!)

for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null && break
  sleep 0.2
done

cat <<MSG

  Helpdesk is running at http://127.0.0.1:8000/

  Every demo password is demo12345. Logins:
MSG
$PY manage.py shell -v 0 -c "from demo.seed import demo_logins
for email, what in demo_logins(): print(f'    {email:40} {what}')"
cat <<MSG

  Platform admin: create one with  .venv/bin/python manage.py createsuperuser
  Mail sent by the demo is written to var/mail/ (one file per message).
  Logs: var/log/web.log, var/log/worker.log, var/log/beat.log
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}" || true
echo "A demo process exited; see var/log/." >&2
