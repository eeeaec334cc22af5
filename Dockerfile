# One image for the worker and the API (docker-compose.yml runs it twice).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md worker.py ./
COPY schema ./schema
COPY workflows ./workflows
COPY hotline ./hotline
COPY figures ./figures
COPY activities ./activities
COPY services ./services
COPY api ./api
COPY web ./web
COPY startup ./startup
RUN pip install --no-cache-dir ".[aliyun]"  # with the Alibaba Cloud SMS SDK
ENV HOTLINE_DATA_DIR=/data HOTLINE_LOG_FORMAT=json HOTLINE_API_HOST=0.0.0.0
EXPOSE 8000
CMD ["hotline", "api"]
