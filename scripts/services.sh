#!/usr/bin/env bash
# Starts the local services gangflash's hub and MES tests talk to, when they are installed but not running:
# PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672) with its AMQP 1.0 plugin. Debian's packages.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if up 5432; then echo "services: PostgreSQL is up"
elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start \
    && echo "services: PostgreSQL started" || echo "services: PostgreSQL could not be started"
else echo "services: PostgreSQL is not installed"; fi

if command -v rabbitmq-plugins >/dev/null 2>&1; then
  if ! up 5672; then rabbitmq-server -detached && echo "services: RabbitMQ starting"; fi
  for _ in $(seq 1 60); do up 5672 && break; sleep 1; done
  rabbitmq-plugins enable --quiet rabbitmq_amqp1_0 >/dev/null 2>&1 \
    && echo "services: RabbitMQ is up with AMQP 1.0" || echo "services: RabbitMQ's AMQP 1.0 plugin could not be enabled"
else echo "services: RabbitMQ is not installed"; fi
exit 0
