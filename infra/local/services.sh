#!/usr/bin/env bash
# Starts the local PostgreSQL, Redis and RabbitMQ when they are installed but not running.
set -u
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -q; then
  echo "iniciando PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "iniciando Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
if command -v rabbitmq-server >/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  echo "iniciando RabbitMQ"
  rabbitmq-server -detached || true
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
fi
exit 0
