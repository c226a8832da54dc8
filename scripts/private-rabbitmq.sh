#!/usr/bin/env bash
# A private RabbitMQ node for tests: Debian's rabbitmq-server, run as the rabbitmq user, with its own node name,
# ports (loopback only), Erlang cookie and folders under the directory given.
#   scripts/private-rabbitmq.sh start DIR   starts it and prints its AMQP URI as the last line
#   scripts/private-rabbitmq.sh stop DIR    stops it and removes DIR
#   scripts/private-rabbitmq.sh stop-app DIR / start-app DIR   stop and start the broker inside the running node
set -euo pipefail
command=$1
dir=$2

sbin=$(ls -d /usr/lib/rabbitmq/lib/rabbitmq_server-*/sbin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$sbin" ]; then
  echo "rabbitmq-server is not installed (apt-get install -y rabbitmq-server), and ConnectionStrings__RabbitMq is not set" >&2
  exit 2
fi

as_rabbitmq() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u rabbitmq -- bash -c "source '$dir/env' && $*"
  else
    bash -c "source '$dir/env' && $*"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

case "$command" in
  start)
    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
    port=$(free_port)
    echo "[]." > "$dir/enabled_plugins"
    printf 'listeners.tcp.1 = 127.0.0.1:%s\nloopback_users = none\n' "$port" > "$dir/rabbitmq.conf"
    echo '{lookup, [file, native]}. {host, {127,0,0,1}, ["localhost"]}.' > "$dir/inetrc"
    head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/home/.erlang.cookie"
    chmod 400 "$dir/home/.erlang.cookie"
    cat > "$dir/env" <<ENV
export HOME='$dir/home'
export ERL_EPMD_PORT=$(free_port)
export ERL_INETRC='$dir/inetrc'
export RABBITMQ_NODENAME='csm-$port@localhost'
export RABBITMQ_DIST_PORT=$(free_port)
export RABBITMQ_MNESIA_BASE='$dir/mnesia'
export RABBITMQ_LOG_BASE='$dir/log'
export RABBITMQ_CONFIG_FILE='$dir/rabbitmq.conf'
export RABBITMQ_ENABLED_PLUGINS_FILE='$dir/enabled_plugins'
export RABBITMQ_PID_FILE='$dir/rabbit.pid'
ENV
    if [ "$(id -u)" = 0 ]; then chown -R rabbitmq:rabbitmq "$dir"; fi
    (cd "$dir" && as_rabbitmq "'$sbin/rabbitmq-server' -detached") >/dev/null
    as_rabbitmq "timeout 180 '$sbin/rabbitmqctl' wait --timeout 180 '$dir/rabbit.pid'" >/dev/null
    echo "amqp://guest:guest@127.0.0.1:$port/"
    ;;
  stop-app|start-app)
    as_rabbitmq "'$sbin/rabbitmqctl' ${command/-app/_app}" >/dev/null
    ;;
  stop)
    if [ -f "$dir/env" ]; then
      as_rabbitmq "'$sbin/rabbitmqctl' stop '$dir/rabbit.pid'" >/dev/null 2>&1 || true
      # The node's own port mapper daemon outlives the node.
      as_rabbitmq 'epmd -port "$ERL_EPMD_PORT" -kill' >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|stop-app|start-app DIR" >&2
    exit 2
    ;;
esac
