# The webhook's Helm chart (charts/store-admission), its monitoring rules, and chart packaging.
.PHONY: promtool lint-webhook-chart webhook-chart-docs package

WEBHOOK_CHART := charts/store-admission
WEBHOOK_CHART_CI_VALUES := $(sort $(wildcard $(WEBHOOK_CHART)/ci/*-values.yaml))

# promtool checks and unit-tests the PrometheusRule alerts; Debian's prometheus package ships it.
promtool: ## install promtool (Debian's prometheus package) for the alert tests (skips when present)
	$(call apt-install,promtool,command -v promtool >/dev/null 2>&1,prometheus)

lint-webhook-chart: helm ## helm lint --strict (helm 3 and 4) of charts/store-admission with every ci/*-values.yaml
	@set -e; for h in helm3 helm4; do \
	  for f in $(WEBHOOK_CHART_CI_VALUES); do echo "== $$h lint --strict $(WEBHOOK_CHART) -f $$f"; $(TESTENV)/bin/$$h lint --strict $(WEBHOOK_CHART) -f $$f; done; \
	done

# values.schema.json embeds schemas/policy.schema.json under `policy`, so helm lint/install
# refuse a policy the webhook would refuse; README's Parameters section comes from `## @param`.
webhook-chart-docs: deps ## regenerate charts/store-admission/values.schema.json (policy part) and README parameters
	node scripts/charts/webhook-chart-schema.mjs
	npx readme-generator --values $(WEBHOOK_CHART)/values.yaml --readme $(WEBHOOK_CHART)/README.md

# Versioned archives (<name>-<version>.tgz) for `helm push dist/charts/<x>.tgz oci://<registry>/charts`.
PACKAGE_DIR ?= dist/charts
package: helm ## helm package charts/store-lib, charts/bagisto (with store-lib) and charts/store-admission into dist/charts/
	@mkdir -p $(PACKAGE_DIR)
	@set -e; for c in store-lib bagisto store-admission; do $(TESTENV)/bin/helm3 package charts/$$c --destination $(PACKAGE_DIR) 2>/dev/null; done

test-prereqs: promtool
test-charts: promtool
