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
# CPU build of torch first, from PyTorch's CPU index: PyPI's torch wheel is the multi-GB CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
# Dependencies in their own layer, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY catalog ./catalog
COPY models ./models
COPY service ./service
COPY cli ./cli
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 tthc \
    && mkdir -p /app/artefacts && chown tthc /app/artefacts

USER tthc
# Convert the embedding model and build the indexes at image build time, not at start.
RUN tthc build

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["tthc", "serve"]
