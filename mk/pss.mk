# The upstream Pod Security evaluator (k8s.io/pod-security-admission, restricted, latest) as
# .testenv/bin/pss-eval: the oracle of test/unit/pipeline/differential.test.ts. Built from the Go
# module proxy at the pinned Kubernetes minor (scripts/testenv/versions.env); cached by a stamp.
.PHONY: pss-eval

pss-eval: ## build the upstream Pod Security evaluator into .testenv/bin/pss-eval (cached)
	@TESTENV_DIR=$(TESTENV) bash scripts/pss-eval/build.sh

test-prereqs: pss-eval

.PHONY: test-unit
test-unit: deps pss-eval ## run the static checks and unit tests only (the differential test needs pss-eval)
	node scripts/test.mjs static unit
