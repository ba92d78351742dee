#!/usr/bin/env bash
# End-to-end tests of the generated clients against moto, a local AWS emulator.
#
# Installs moto[server] into a venv under target/, starts moto_server on a free loopback port,
# runs the moto suites of client-tests against it (moto_e2e.rs: Cognito, awsJson1_1;
# moto_apigateway.rs and moto_lambda.rs: restJson1; moto_s3.rs: restXml; moto_sts.rs and
# moto_sns.rs: awsQuery; moto_sqs.rs: awsJson1_0 with @awsQueryCompatible; moto_dynamodb.rs:
# awsJson1_0 with the TableExists/TableNotExists waiters, async and through the blocking client,
# whose `blocking` feature client-tests turns on; MOTO_REQUIRED=1: a test fails instead of
# skipping if it cannot find the server) and always stops the server.
#
# Environment: PYTHON (default python3), MOTO_VERSION (default below), MOTO_PORT (default: a
# free port), MOTO_VENV (default target/moto-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=never

MOTO_VERSION=${MOTO_VERSION:-5.2.5}
python=${PYTHON:-python3}
venv=${MOTO_VENV:-$root/target/moto-venv}
log="$root/target/moto-server.log"
started=$SECONDS

step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - started))" "$*"; }

step "moto[server]==$MOTO_VERSION in $venv"
if [[ ! -x "$venv/bin/moto_server" ]] \
  || [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" != "$MOTO_VERSION" ]]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("moto", m.version("moto"))'

port=${MOTO_PORT:-$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
endpoint="http://127.0.0.1:$port"

step "starting moto_server on $endpoint (log: $log)"
mkdir -p "$(dirname "$log")"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!

stop_moto() {
  if kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$moto_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$moto_pid" 2>/dev/null || true
  fi
  wait "$moto_pid" 2>/dev/null || true
}
on_exit() {
  status=$?
  stop_moto
  if [[ $status -ne 0 ]]; then
    echo "moto e2e FAILED (exit $status); last lines of $log:" >&2
    tail -n 40 "$log" >&2 || true
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

answers() {
  "$venv/bin/python" - "$endpoint" <<'EOF'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=2).read()
except Exception:
    sys.exit(1)
EOF
}
up=0
for _ in $(seq 300); do
  if answers; then
    up=1
    break
  fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "moto_server exited before answering" >&2
    exit 1
  fi
  sleep 0.1
done
[[ $up == 1 ]] || { echo "moto_server did not answer on $endpoint within 30s" >&2; exit 1; }
echo "moto answers on $endpoint after $((SECONDS - started))s"

suites=(moto_e2e moto_apigateway moto_lambda moto_s3 moto_sts moto_sns moto_sqs moto_dynamodb moto_credentials)
step "cargo test -p client-tests (${suites[*]}) against $endpoint"
MOTO_ENDPOINT="$endpoint" MOTO_REQUIRED=1 cargo test -p client-tests \
  "${suites[@]/#/--test=}" -- --nocapture

step "moto e2e passed in $((SECONDS - started))s"
