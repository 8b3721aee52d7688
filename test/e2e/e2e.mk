# End-to-end make fragment; the top-level Makefile includes it with
#   -include test/e2e/e2e.mk
# Targets: e2e-tools (cluster binaries into ./bin), e2e (the whole test).
#
# The cluster binaries are built from their own tools modules (tools/kubernetes,
# tools/etcd, tools/crossplane-core) with version ldflags; the Go build cache
# keeps them warm. ~16 min cold on 2 cores for Kubernetes, ~10 for Crossplane.

GO  ?= go
BIN ?= $(CURDIR)/bin

K8S_VERSION             := v1.35.4
ETCD_VERSION            := v3.6.16
CROSSPLANE_CORE_VERSION := v2.4.0
E2E_TIMEOUT             ?= 45m
E2E_FLAGS               ?=

K8S_LDFLAGS := -s -w \
	-X k8s.io/component-base/version.gitVersion=$(K8S_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 \
	-X k8s.io/component-base/version.gitMinor=35 \
	-X k8s.io/component-base/version.gitTreeState=clean \
	-X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z \
	-X k8s.io/client-go/pkg/version.gitVersion=$(K8S_VERSION) \
	-X k8s.io/client-go/pkg/version.gitMajor=1 \
	-X k8s.io/client-go/pkg/version.gitMinor=35

.PHONY: e2e e2e-tools

e2e-tools: $(BIN)/kube-apiserver $(BIN)/kube-controller-manager $(BIN)/etcd $(BIN)/crossplane-core

# One go build for both: they share most packages.
$(BIN)/kube-apiserver $(BIN)/kube-controller-manager &: tools/kubernetes/go.mod tools/kubernetes/go.sum
	cd tools/kubernetes && $(GO) build -trimpath -ldflags "$(K8S_LDFLAGS)" -o $(BIN)/ \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager

$(BIN)/kubectl: tools/kubernetes/go.mod tools/kubernetes/go.sum
	cd tools/kubernetes && $(GO) build -trimpath -ldflags "$(K8S_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kubectl

$(BIN)/etcd: tools/etcd/go.mod tools/etcd/go.sum tools/etcd/cmd/etcd/main.go
	cd tools/etcd && $(GO) build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$(ETCD_VERSION)" -o $@ ./cmd/etcd

$(BIN)/crossplane-core: tools/crossplane-core/go.mod tools/crossplane-core/go.sum
	cd tools/crossplane-core && $(GO) build -trimpath -o $@ \
		-ldflags "-s -w -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=$(CROSSPLANE_CORE_VERSION)" \
		github.com/crossplane/crossplane/v2/cmd/crossplane

## e2e: the package on a local management cluster (see test/e2e/README.md)
e2e: $(BIN)/crossplane $(BIN)/crane e2e-tools
	cd test/e2e && $(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) -v $(E2E_FLAGS) .
