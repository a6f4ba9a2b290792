# HA: two webhook processes behind HAProxy on 127.0.0.1 (TLS passed through, as kube-proxy spreads
# a Service). `make up HA=1` runs the pair; test/e2e/ha.test.ts proves it. HAProxy is Debian's.
.PHONY: ha-deps

ha-deps: ## install Debian's haproxy, the load balancer of the HA pair (skips when present)
	$(call apt-install,ha-deps,command -v haproxy >/dev/null 2>&1,haproxy)

test-prereqs: ha-deps
