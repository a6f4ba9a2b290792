#!/usr/bin/env bash
# `make bench`: the five tables a platform team sizes by, each as ratios from one run, written to
# bench/RESULTS.md. (a) pod creates through the local kube-apiserver with and without the webhooks;
# (b) the webhook alone against a bare fastify server; (c) `check` against the Go Pod Security
# evaluator; (d) memory and time to ready with a large cluster; (e) normal reviews under hostile load. All traffic on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== (b) the webhook alone against a bare fastify server" >&2
BENCH_OUT="$out/b.md" node bench/run.mjs >&2

echo "== (c) check against the Go Pod Security evaluator" >&2
node bench/check.mjs > "$out/c.md"

echo "== (e) normal reviews while hostile clients send large, deep and slow bodies" >&2
BENCH_OUT="$out/e.md" node bench/hostile.mjs >&2

echo "== (a), (d) through the local kube-apiserver" >&2
started=0
if ! [[ -f .testenv/run/state.env ]]; then bash scripts/testenv/up.sh >&2; started=1; fi
stop() { ((started)) && bash scripts/testenv/down.sh >&2 || true; }
trap 'stop; rm -rf "$out"' EXIT
# The production audit interval (the testenv's 5 s would put audits inside the measured rounds).
TESTENV_AUDIT_INTERVAL=1h bash scripts/testenv/webhook.sh start >&2
node bench/apiserver.mjs > "$out/a.md"
node bench/cluster-size.mjs > "$out/d.md"

{
  echo '# store-admission benchmark (`make bench`)'
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average before: $(cut -d' ' -f1 /proc/loadavg). What each table means for sizing: README.md, Performance."
  echo
  echo '## (a) Pod creates through kube-apiserver, webhooks registered vs removed (alternate rounds)'
  echo
  cat "$out/a.md"
  echo
  echo '## (b) The webhook alone vs a bare fastify HTTPS server (no cache anywhere)'
  echo
  cat "$out/b.md"
  echo
  echo '## (c) `store-admission check` vs the upstream Pod Security evaluator (Go) on the same pods'
  echo
  cat "$out/c.md"
  echo
  echo '## (d) Webhook memory and time to ready in a large cluster'
  echo
  cat "$out/d.md"
  echo
  echo '## (e) Normal reviews while hostile clients send large, deep and slow bodies (`bench/hostile.mjs`)'
  echo
  cat "$out/e.md"
} > bench/RESULTS.md
cat bench/RESULTS.md
