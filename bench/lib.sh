# Shared by bench/run and bench/soak: builds the release binary, fills a database with
# BENCH_REQUESTS demo requests, serves it on BENCH_PORT, and exports what the wrk
# scripts read (BENCH_TOKEN, BENCH_SERVICE, BENCH_MAX_ID, BENCH_PATH, BENCH_COOKIE,
# BENCH_WORDS, BENCH_HOME_EMAIL, BENCH_HOME_COOKIE). BENCH_BIN names the binary to run (default: build this tree's). Sourced, with $engine, $requests and $port set; leaves $server (the
# server's pid), $dir (its data) and $base (its address).
command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq; apt-get install -y -qq wrk >/dev/null; }
# BENCH_BIN runs another build (an older commit's, to compare); otherwise this tree's.
if [[ -n ${BENCH_BIN:-} ]]; then
  bin=$BENCH_BIN
else
  cargo build --release --quiet
  bin=target/release/handoff
fi

dir=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/handoff-bench.XXXXXX")}
mkdir -p "$dir"
pg_dir=
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [[ -n $pg_dir ]] && scripts/postgres stop "$pg_dir"
  true
}
trap cleanup EXIT

base="http://127.0.0.1:$port"
case $engine in
  sqlite) export HANDOFF_DATABASE_URL="sqlite://$dir/handoff.db" ;;
  postgres)
    if [[ -z ${BENCH_POSTGRES_URL:-} ]]; then
      pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/handoff-bench-pg.XXXXXX")
      BENCH_POSTGRES_URL=$(scripts/postgres start "$pg_dir")
    fi
    export HANDOFF_DATABASE_URL=$BENCH_POSTGRES_URL ;;
  *) echo "usage: bench/$(basename "$0") [sqlite|postgres]" >&2; exit 2 ;;
esac

# The requests are written straight (--bulk-requests): the history replayed through the
# import would take hours at this size.
if "$bin" demo --requests 0 --bulk-requests "$requests" 2>"$dir/demo.log"; then
  log "demo data: $(grep 'demo organisation' "$dir/demo.log")"
else
  grep -q 'already has data' "$dir/demo.log" || { cat "$dir/demo.log" >&2; exit 1; }
  log "reusing the data in $dir"
fi

"$bin" serve --listen "127.0.0.1:$port" 2>"$dir/serve.log" &
server=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$base/healthz" >/dev/null || { cat "$dir/serve.log" >&2; exit 1; }

export BENCH_TOKEN
BENCH_TOKEN=$("$bin" token create --email admin@example.org --name bench)
api() { curl -sf -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import json,sys; print(eval(sys.argv[1], {'d': json.load(sys.stdin)}))" "$1"; }

# A service of the admin's own department with one optional field, for creations.
department=$(api "$base/api/v1/people?q=admin@" | json "d['items'][0]['department_id']")
export BENCH_SERVICE
BENCH_SERVICE=$(api "$base/api/v1/services?department_id=$department&limit=200" \
  | json "next((s['id'] for s in d['items'] if s['name'] == 'Load benchmark'), '')")
if [[ -z $BENCH_SERVICE ]]; then
  BENCH_SERVICE=$(api -X POST "$base/api/v1/services" -d "{\"department_id\": $department,
    \"name\": \"Load benchmark\", \"fields\": [{\"key\": \"detail\", \"label\": \"Detail\", \"type\": \"text\"}]}" \
    | json "d['id']")
fi
export BENCH_MAX_ID
BENCH_MAX_ID=$(api "$base/api/v1/requests?sort=-id&limit=1" | json "d['items'][0]['id']")
provider=$(api "$base/api/v1/requests/1" | json "d['provider_department_id']")
export BENCH_PATH="/api/v1/requests?status=open,in_progress&provider_department_id=$provider&limit=50"
# The pages, signed in as the demo administrator.
export BENCH_COOKIE
BENCH_COOKIE=$(curl -s -o /dev/null -D - -d 'email=admin@example.org&password=handoff-demo' \
  "$base/sign-in" | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip' | tr -d '\r')
[[ -n $BENCH_COOKIE ]] || { log "cannot sign in to the pages"; exit 1; }
export BENCH_WORDS=${BENCH_WORDS:-laptop,invoice,banner,contract,payroll,onboarding,printer,campaign}
# The home page (home.lua) of an agent of a busy department: the administrator has
# almost nothing assigned and files nothing, so their home page is mostly empty. By
# default the first member (not the manager) of the demo's IT Service Desk
# (BENCH_HOME_DEPARTMENT), the department with the most active requests: at 1,000,000
# requests each of its agents has ~5,800 active requests assigned, ~6,000 unassigned in
# the queue and ~400 of their own waiting on them.
export BENCH_HOME_EMAIL BENCH_HOME_COOKIE=
if [[ -z ${BENCH_HOME_EMAIL:-} ]]; then
  home_department=$(api "$base/api/v1/departments?limit=200" \
    | json "next((x['id'] for x in d['items'] if x['handle'] == '${BENCH_HOME_DEPARTMENT:-it-service-desk}'), '')")
  if [[ -n $home_department ]]; then
    BENCH_HOME_EMAIL=$(api "$base/api/v1/people?department_id=$home_department&limit=200" \
      | json "next((p['email'] for p in d['items'] if p['role'] == 'member'), '')")
  fi
fi
if [[ -n ${BENCH_HOME_EMAIL:-} ]]; then
  BENCH_HOME_COOKIE=$(curl -s -o /dev/null -D - -d "email=$BENCH_HOME_EMAIL&password=handoff-demo" \
    "$base/sign-in" | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip' | tr -d '\r')
fi
if [[ -n $BENCH_HOME_COOKIE ]]; then
  # What the page shows them: each section's count, e.g. "Assigned to you (100+)".
  log "home page of $BENCH_HOME_EMAIL: $(curl -sf -H "Cookie: $BENCH_HOME_COOKIE" "$base/" \
    | grep -o '<h2 id="home-[a-z]*-h">[^<]*<span class="count">([^)]*)' \
    | sed 's/<h2[^>]*>//; s/ <span class="count">/ /' | paste -sd ';' | sed 's/;/; /g')"
else
  log "no one signed in for the home page (BENCH_HOME_EMAIL=${BENCH_HOME_EMAIL:-}): home.lua would fail"
fi
