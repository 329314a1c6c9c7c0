# One image for every EdQuill process; docker-compose.yml picks the command of each container.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The MySQL client tools: `edquill backup` runs mysqldump and `edquill restore` runs mysql.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends default-mysql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/edquill edquill

WORKDIR /app

# Installed editable: migrations and sql/ are read from this checkout at run time.
COPY pyproject.toml constraints.txt README.md ./
COPY shared shared
COPY devtools devtools
COPY services services
COPY sql sql
RUN pip install -c constraints.txt -e . \
    && for service in registrar notifier; do \
         pybabel compile -d services/$service/translations; done \
    && mkdir -p var/mail var/documents \
    && chown -R edquill:edquill var

USER edquill
EXPOSE 8001 8002 8003 8004 1025 8025 9400
CMD ["edquill", "--help"]
