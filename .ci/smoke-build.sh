#!/usr/bin/env bash
# Builds the production bundle and starts `node dist/server.js` as the image would, against a
# throwaway database on the PostgreSQL server given as $1; passes once /healthz answers 200.
set -euo pipefail
server_url="$1"
db="bc_ci_smoke_$$"
admin_sql() { node -e "
const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] });
c.connect().then(() => c.query(process.argv[2])).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });
" "$server_url" "$1"; }

npm run build
# A port nobody listens on right now.
port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
data_dir="$(mktemp -d)"
admin_sql "CREATE DATABASE \"$db\""
db_url="${server_url%/*}/$db"
log="$(mktemp)"
NODE_ENV=production PORT="$port" HOST=127.0.0.1 DATABASE_URL="$db_url" DATA_DIR="$data_dir" LOG_LEVEL=warn \
  SESSION_SECRET="ci-smoke-session-secret-0123456789abcdef" \
  APP_ENCRYPTION_KEY="$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")" \
  node dist/server.js >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  admin_sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
  rm -rf "$data_dir" "$log"
}
trap cleanup EXIT
# At most 60 s: migrations on an empty database, then the first admin.
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  if curl -fsS --max-time 5 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    echo "production build answers /healthz on PostgreSQL"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
echo "production build did not answer /healthz; its log:" >&2
cat "$log" >&2
exit 1
