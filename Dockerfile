# PLP Admin: one image for the web server, the Celery worker and beat (docker-compose.yml).

# Front-end assets: GOV.UK Frontend and htmx from npm, and the compiled stylesheet.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# Pango and fonts for WeasyPrint's PDFs and matplotlib's charts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 plp
WORKDIR /app

COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
COPY --from=assets /app/node_modules node_modules
COPY --from=assets /app/static/dist static/dist
# collectstatic reads the production settings, which insist on these variables; the values exist
# only for this step (the real ones come from the environment at run time).
RUN DJANGO_ENV=production \
    SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown plp:plp /app/media

USER plp
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
