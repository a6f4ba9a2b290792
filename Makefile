# store-admission: entry points. Each area keeps its own targets in mk/<area>.mk;
# this file holds the shared ones. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/.testenv/bin:$(CURDIR)/node_modules/.bin:$(PATH)

TESTENV := $(CURDIR)/.testenv

.PHONY: help deps build test clean
help: ## list the entry points
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.package-lock.json ## install npm dependencies (npm ci)

dist/.built: node_modules/.package-lock.json tsconfig.json $(shell find src -name '*.ts' 2>/dev/null)
	npx tsc -p tsconfig.json
	@touch $@

build: dist/.built ## compile the TypeScript webhook and CLI into dist/

test: build test-prereqs ## run every test (unit, chart, runtime, control plane); ends with "N passed, N failed"
	node scripts/test.mjs $(STAGES)

clean: ## remove build outputs (keeps the cached control plane in .testenv/)
	rm -rf dist

include $(sort $(wildcard mk/*.mk))

# Stages hook their set-up into test-prereqs from their mk/*.mk file.
.PHONY: test-prereqs
test-prereqs:
