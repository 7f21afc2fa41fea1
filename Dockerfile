# Brobyg's production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

COPY . .
# Editable: the code runs from /app, the one copy, and the image holds only its dependencies.
# The static files are collected into the image here (gunicorn refuses to start without them);
# the keys are placeholders of the length production asks for, used for nothing else.
RUN pip install -e . \
    && DJANGO_SECRET_KEY=collectstatic-only-placeholder-not-a-secret-key \
       BROBYG_ENCRYPTION_KEY=collectstatic-only-placeholder-not-an-encryption-key \
       DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build/none \
       REDIS_URL=redis://build:6379/0 python manage.py collectstatic --no-input \
    && useradd --system --uid 10001 --home /app brobyg \
    && mkdir -p /app/var && chown brobyg /app/var

USER brobyg
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
