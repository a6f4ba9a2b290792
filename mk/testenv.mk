# Local Kubernetes control plane (real kube-apiserver, etcd, controller-manager, scheduler, kwok)
# and the end-to-end tests through it. Owner: control plane. Scripts live in scripts/testenv/.
.PHONY: testenv up down demo test-e2e

testenv: helm ## build etcd, kube-apiserver, controller-manager, scheduler, kubectl, kwok into .testenv/bin (cached)
	@bash scripts/testenv/build.sh

up: build testenv $(if $(filter 1,$(HA)),ha-deps) ## start the local control plane + webhook (HA=1: two replicas behind HAProxy, one shared CA); kubeconfig in .testenv/kubeconfig
	@HA=$(HA) bash scripts/testenv/up.sh

down: ## stop the local control plane and webhook (no stray processes)
	@bash scripts/testenv/down.sh

demo: build testenv ## fresh machine: control plane up, webhook on, helm install bagisto, show what happened
	@bash scripts/testenv/demo.sh

test-e2e: build testenv ## only the end-to-end tests through the API server (up, tap, down)
	node scripts/test.mjs e2e

test-prereqs: testenv
