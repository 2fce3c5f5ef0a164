#!/usr/bin/env bash
# Starts `npm run demo` on its own port and data directory, checks that /api/docs is served and every
# demo role can sign in, then stops it. Used by .ci/run; prints one line per check.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/data/smoke-$$"
mkdir -p "$work"
port=${SMOKE_PORT:-3917}
log="$work/demo.log"
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$root"
env -u DATABASE_URL -u REDIS_URL PORT=$port EMBEDDED_PG_PORT=$((port + 50000 - 3000)) EMBEDDED_PG_DIR="$work/pg" \
  node dist/apps/cli/src/demo.js >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  grep -q "Mätpunkt körs på" "$log" && break
  kill -0 "$pid" 2>/dev/null || { echo "demo exited early:"; tail -40 "$log"; exit 1; }
  sleep 1
done
grep -q "Mätpunkt körs på" "$log" || { echo "demo did not start in 120 s:"; tail -40 "$log"; exit 1; }
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1 (got $2, want $3)"; fail=1; fi; }
check "GET /api/docs" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/docs")" 200
check "GET /health/ready" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" 200
for user in admin enhetschef handlaggare handlaggare2 analytiker politiker; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"matpunkt-demo\"}" "http://127.0.0.1:$port/api/v1/auth/sign-in")
  check "sign-in $user" "$code" 200
done
exit $fail
