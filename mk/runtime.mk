# Runtime stage: the storefront pod's nginx + php-fpm, run for real from the rendered chart.
# Debian's nginx and php-fpm packages are installed when missing (apt-get as root, or sudo).
.PHONY: runtime-deps test-runtime

RUNTIME_APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo sudo apt-get)

runtime-deps: ## install Debian's nginx, php-fpm, cgi-fcgi and redis-server for the runtime tests (skips when present)
	@if command -v nginx >/dev/null 2>&1 && ls /usr/sbin/php-fpm* >/dev/null 2>&1 && command -v cgi-fcgi >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then \
	  echo "runtime-deps: nginx, php-fpm, cgi-fcgi and redis-server already installed"; \
	else \
	  echo "runtime-deps: installing nginx-light php-fpm libfcgi-bin redis-server"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(RUNTIME_APT) update -q && \
	  $(RUNTIME_APT) install -y -q --no-install-recommends nginx-light php-fpm libfcgi-bin redis-server; \
	fi

test-prereqs: runtime-deps

test-runtime: deps runtime-deps $(if $(wildcard mk/charts.mk),helm) ## run the storefront runtime test: rendered chart config under real nginx + php-fpm
	node scripts/test.mjs runtime
