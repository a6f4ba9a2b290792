# Runtime stage: the storefront pod's nginx + php-fpm, run for real from the rendered chart.
# Debian's nginx and php-fpm packages are installed when missing (apt-get as root, or sudo).
.PHONY: runtime-deps test-runtime

RUNTIME_APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo sudo apt-get)

# $(call apt-install,TARGET,PRESENT,PACKAGES): installs Debian's PACKAGES unless the shell test
# PRESENT succeeds (every target that needs a Debian tool installs it this one way).
define apt-install
	@if $(2); then \
	  echo "$(1): $(3) already installed"; \
	else \
	  echo "$(1): installing $(3)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(RUNTIME_APT) update -q && $(RUNTIME_APT) install -y -q --no-install-recommends $(3); \
	fi
endef

runtime-deps: ## install Debian's nginx, php-fpm, cgi-fcgi and redis-server for the runtime tests (skips when present)
	$(call apt-install,runtime-deps,command -v nginx >/dev/null 2>&1 && ls /usr/sbin/php-fpm* >/dev/null 2>&1 && command -v cgi-fcgi >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1,nginx-light php-fpm libfcgi-bin redis-server)

test-prereqs: runtime-deps

test-runtime: deps runtime-deps $(if $(wildcard mk/charts.mk),helm) ## run the storefront runtime test: rendered chart config under real nginx + php-fpm
	node scripts/test.mjs runtime
