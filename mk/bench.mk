# The performance benchmark of the admission webhook (not a test): see bench/run.mjs.
.PHONY: bench
bench: build ## benchmark /mutate and /validate against a bare fastify HTTPS server (writes bench/RESULTS.md)
	node bench/run.mjs
