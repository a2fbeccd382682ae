# Shared by tests/bench/bench.sh and its modes (sourced, not run): the server's start and stop,
# wrk runs, and the figures, each printed as req/s, p99 and ratios to /healthz and `banners` of
# the same run, and appended as one machine-readable line to $RESULTS:
#   BENCH <run> <rev> <nproc> <mode> <name> <value> <unit> <p99_ms> <pct_healthz> <pct_banners> <rss_mb> <note>
# (tab-separated; empty where a column does not apply), after one line per run:
#   RUN <run> <rev> <nproc> <mode> <command> <machine>
# tests/bench/table.py turns the newest run of each mode into README's Figures table.

RUN_ID=$(date -u +%Y-%m-%dT%H:%M:%SZ)
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && REV="$REV+"
NPROC=$(nproc)
RESULTS=${RESULTS:-tests/bench/results.tsv}
HEALTHZ_RPS=
BANNERS_RPS=
PID=

start() { # [--demo]: the shop on $PORT with its data in $DATA
  "$BIN" --port "$PORT" --data "$DATA" "$@" >/dev/null 2>&1 &
  PID=$!
  wait_up
}
stop() {
  [ -n "$PID" ] || return 0
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
}
cleanup() {
  stop
  rm -rf "$DATA"
}
wait_up() { for _ in $(seq 1 1000); do curl -sf "$BASE/healthz" >/dev/null && return 0; sleep 0.01; done; return 1; }
rss_mb() { awk '/VmRSS/{print int($2 / 1024)}' "/proc/$PID/status"; }
sql() { sqlite3 -cmd ".timeout 10000" "$DATA/xiaodian.db" "$@"; }

# One line in $RESULTS; the run's RUN line first.
record() { # name value unit p99_ms pct_healthz pct_banners rss_mb note
  if [ -z "${RUN_WRITTEN:-}" ]; then
    local machine
    machine="$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $NPROC cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
    printf 'RUN\t%s\t%s\t%s\t%s\t%s\t%s\n' "$RUN_ID" "$REV" "$NPROC" "$MODE" "$COMMAND" "$machine" >>"$RESULTS"
    RUN_WRITTEN=1
  fi
  printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$RUN_ID" "$REV" "$NPROC" "$MODE" "$@" >>"$RESULTS"
}

# wrk's p99 ("850.00us", "3.80ms", "1.02s") in milliseconds.
p99_of() {
  awk '$1=="99%"{v=$2; n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /m$/) n*=60000; else if (v ~ /s$/) n*=1000; printf "%.2f", n}' <<<"$1"
}
rps_of() { awk '/Requests\/sec/{printf "%.0f", $2}' <<<"$1"; }
answers_of() { grep '^answers' <<<"$1" || true; }
pct() { # a b: a as a percentage of b (nothing when either is missing)
  awk -v a="$1" -v b="$2" 'BEGIN{if (a != "" && b > 0) printf "%.0f", 100 * a / b}'
}

# Runs wrk; sets OUT, RPS, P99.
#   wrk_run target [lua] [connections] [threads] [extra wrk args...]
wrk_run() {
  local target=$1 lua=${2:-} conns=${3:-$CONNS} threads=${4:-2}
  shift $(($# < 4 ? $# : 4))
  OUT=$(wrk -t"$threads" -c"$conns" -d"${SECS}s" --latency ${lua:+-s "$lua"} "$@" "$target" 2>&1)
  RPS=$(rps_of "$OUT")
  P99=$(p99_of "$OUT")
}

# Prints and records a figure.   figure name value unit p99_ms [note]
figure() {
  local name=$1 value=$2 unit=$3 p99=$4 note=${5:-} ph pb rss
  ph=$(pct "$value" "$HEALTHZ_RPS")
  pb=$(pct "$value" "$BANNERS_RPS")
  rss=$(rss_mb)
  printf '%-44s %9s %-10s p99 %7s ms  %5s  %5s  %s\n' "$name" "$value" "$unit" "$p99" \
    "${ph:+$ph%}" "${pb:+$pb%}" "$note"
  record "$name" "$value" "$unit" "$p99" "$ph" "$pb" "$rss" "$note"
}

# wrk on one target, then the figure.   measure name target [lua] [connections]
measure() {
  wrk_run "$2" "${3:-}" "${4:-$CONNS}"
  figure "$1" "$RPS" req/s "$P99" "$(answers_of "$OUT")"
}

# A figure that is not a rate (RSS, a start time, a check).   note name value unit [note]
note() {
  printf '%-44s %9s %s %s\n' "$1" "$2" "$3" "${4:-}"
  record "$1" "$2" "$3" "" "" "" "$(rss_mb)" "${4:-}"
}

# The two references every figure is compared with: /healthz (a database round trip) and
# banners (a trivial cached answer; one index banner is added when the shop has none).
baseline() {
  if [ "$(sql "SELECT count(*) FROM banners WHERE type = 'index' AND status = 0")" = 0 ]; then
    sql "INSERT INTO banners (type, title, pic_url, date_add) VALUES ('index', 'bench', '/uploads/bench.png', strftime('%s'))"
  fi
  echo "$MODE: wrk -t2 -c$CONNS -d${SECS}s on loopback, $NPROC cores shared by server and client; rev $REV"
  printf '%-44s %9s %-10s %14s  %5s  %5s\n' figure value unit p99 healthz banner
  measure healthz "$BASE/healthz"
  HEALTHZ_RPS=$RPS
  measure banners "$BASE/shop/banner/list?type=index"
  BANNERS_RPS=$RPS
}

# A lua file that POSTs one fixed form body.   post_lua body → path
post_lua() {
  local f
  f=$(mktemp -p "$DATA" post-XXXX.lua)
  printf 'wrk.method="POST"\nwrk.headers["Content-Type"]="application/x-www-form-urlencoded"\nwrk.body="%s"\n' "$1" >"$f"
  echo "$f"
}

# N shoppers with login tokens written straight into the database (as N logins would):
#   shoppers N prefix [referrer uid] → the tokens, one a line, in $DATA/<prefix>.tokens; uids in .uids
shoppers() {
  python3 tests/bench/shoppers.py "$DATA/xiaodian.db" "$1" "$DATA/$2" "${3:-}"
}
