# HA: two webhook processes behind HAProxy on 127.0.0.1 (TLS passed through, as kube-proxy spreads
# a Service). `make up HA=1` runs the pair; test/e2e/ha.test.ts proves it. HAProxy is Debian's.
.PHONY: ha-deps

ha-deps: ## install Debian's haproxy, the load balancer of the HA pair (skips when present)
	@if command -v haproxy >/dev/null 2>&1; then \
	  echo "ha-deps: haproxy already installed"; \
	else \
	  echo "ha-deps: installing haproxy"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(RUNTIME_APT) update -q && $(RUNTIME_APT) install -y -q --no-install-recommends haproxy; \
	fi

test-prereqs: ha-deps
