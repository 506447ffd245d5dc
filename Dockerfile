# The recommender service on the shipped catalog. Build: docker build -t tthc . ; run: docker run -p 8000:8000 tthc
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TTHC_HOST=0.0.0.0 \
    TTHC_PORT=8000 \
    TTHC_ARTEFACTS_DIR=/app/artefacts

WORKDIR /app
# CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
RUN pip install torch==2.13.0
COPY pyproject.toml README.md ./
COPY catalog ./catalog
COPY models ./models
COPY service ./service
COPY cli ./cli
RUN pip install . \
    && useradd --create-home --uid 10001 tthc \
    && mkdir -p /app/artefacts && chown tthc /app/artefacts

USER tthc
# Convert the embedding model and build the indexes at image build time, not at start.
RUN tthc build

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["tthc", "serve"]
