# The performance benchmark (never part of `make test`): bench/all.sh prints five tables and writes
# bench/RESULTS.md. Needs the control plane binaries (make testenv) and .testenv/bin/pss-eval.
.PHONY: bench bench-deps

bench-deps: ## install wrk, the load generator of `make bench` (skips when present)
	$(call apt-install,bench-deps,command -v wrk >/dev/null 2>&1,wrk)

bench: build bench-deps ## pod creates with/without the webhooks, webhook vs bare fastify, check vs Go PSS, memory in a large cluster, hostile load (bench/RESULTS.md)
	bash bench/all.sh

.PHONY: fuzz
fuzz: build ## send 100,000 generated hostile requests to a real serve (FUZZ_CASES, FUZZ_SEED); prints the counts
	FUZZ_CASES=$${FUZZ_CASES:-100000} npx tap --reporter=tap --timeout=3600 test/fuzz/fuzz.test.ts
