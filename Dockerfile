# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=helpdesk.settings.production
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings to load; the build-time secrets never reach a running container.
RUN SECRET_KEY=build-only-key-build-only-key-build-only EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
    ANYMAIL_WEBHOOK_SECRET=build:build-only-build-only \
    python manage.py collectstatic --no-input -v0

RUN useradd --system --home /app helpdesk && mkdir -p /app/var && chown helpdesk /app/var
USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
