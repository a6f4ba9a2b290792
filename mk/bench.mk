# The performance benchmark of the admission webhook (not a test): see bench/run.mjs.
.PHONY: bench bench-deps

bench-deps: ## install wrk, the load generator of `make bench` (skips when present)
	@if command -v wrk >/dev/null 2>&1; then \
	  echo "bench-deps: wrk already installed"; \
	else \
	  echo "bench-deps: installing wrk"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(RUNTIME_APT) update -q && $(RUNTIME_APT) install -y -q --no-install-recommends wrk; \
	fi

bench: build bench-deps ## benchmark /mutate and /validate against a bare fastify HTTPS server (writes bench/RESULTS.md)
	node bench/run.mjs

.PHONY: fuzz
fuzz: build ## send 100,000 generated hostile requests to a real serve (FUZZ_CASES, FUZZ_SEED); prints the counts
	FUZZ_CASES=$${FUZZ_CASES:-100000} npx tap --reporter=tap --timeout=3600 test/fuzz/fuzz.test.ts
