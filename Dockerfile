# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY r4v r4v
COPY sectors sectors
COPY program_cycle program_cycle
COPY meetings meetings
COPY reports reports
RUN pip install .
COPY . .

# collectstatic needs a key to import settings; it is not used at run time.
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app r4v && mkdir -p /app/var && chown -R r4v /app/var
# Celery warns against running as root; so does everyone else.
USER r4v
EXPOSE 8000
CMD ["gunicorn", "r4v.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
