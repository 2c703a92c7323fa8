# Jiedao: one image for the app (gunicorn), the job worker (rq worker) and the scheduler (rq cron).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    JIEDAO_INSTANCE=/data JIEDAO_ENV=production JIEDAO_LOG_JSON=1 \
    GUNICORN_BIND=0.0.0.0:8000 TZ=Asia/Shanghai
WORKDIR /srv/jiedao

COPY pyproject.toml ./
COPY app ./app
RUN pip install --no-cache-dir . && pip uninstall -y jiedao
COPY . .
RUN pybabel compile --use-fuzzy -d translations -f \
    && useradd --system --home /srv/jiedao jiedao && mkdir -p /data && chown jiedao /data
USER jiedao
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "run:app"]
