# gokinjo platform: Crossplane package + composition function.
#
#   make render ENV=dev [STAGE=initial|network|cluster|ready]   render a claim into every composed resource
#   make test                                                   every test (unit, golden render, schema,
#                                                               packages against a local registry, API)
#   make xpkg VERSION=v0.1.0                                    build the function and configuration xpkgs
#   make publish VERSION=v0.1.0                                 build and push the xpkgs and the API image to
#                                                               REGISTRY (default ghcr.io/gokinjo; log in first)
#   make images VERSION=v0.2.0                                  build every app image (API, web) reproducibly, no Docker
#   make release-app ENV=dev VERSION=v0.2.0                     push them to dev's ECR repositories (read from the claim)
#   make promote-app FROM=dev ENV=staging VERSION=v0.2.0        copy the same digests to the next environment's ECR
#   make bump-app ENV=dev VERSION=v0.2.0                        set the claim's workloads.version (the release PR)
#   make cost                                                   monthly cost estimate of each example env
#   make plan CLAIM=<file> [OBSERVED=<dir>] [PLAN_FLAGS=-o json] what applying a claim would do: changes per
#                                                               layer, refusals, cost before and after, against
#                                                               observed fixtures or the current kube context
#   make e2e                                                    the package on a local management cluster
#                                                               (real API server, Crossplane core, registry;
#                                                               an AWS simulator plays the providers)
#
# Tools are built from the Go module proxy into ./bin, each from its own small
# module under tools/ so their dependency versions never leak into go.mod.
# Builds reuse the Go build cache; nothing is cached in the repo.

GO        ?= go
ENV       ?= dev
STAGE     ?= initial
BIN       := $(CURDIR)/bin
OUT       := $(CURDIR)/_output
CROSSPLANE_VERSION := v2.2.1
CRANE_VERSION      := v0.22.1
VERSION  ?= v0.1.0
REGISTRY ?= ghcr.io/gokinjo

export GOFLAGS := -buildvcs=false

.PHONY: all deps tools build render fixtures golden test vet lint fuzz cost plan xpkg publish images release-app promote-app bump-app clean

all: build

tools: $(BIN)/crossplane $(BIN)/crane $(BIN)/actionlint $(BIN)/promtool $(BIN)/staticcheck

$(BIN)/crossplane: tools/crossplane/go.mod tools/crossplane/go.sum
	cd tools/crossplane && $(GO) build -trimpath -o $@ \
		-ldflags "-s -w -X github.com/crossplane/crossplane/v2/internal/version.version=$(CROSSPLANE_VERSION)" \
		github.com/crossplane/crossplane/v2/cmd/crank

$(BIN)/crane:
	GOBIN=$(BIN) $(GO) install github.com/google/go-containerregistry/cmd/crane@$(CRANE_VERSION)

$(BIN)/actionlint: tools/actionlint/go.mod tools/actionlint/go.sum
	cd tools/actionlint && $(GO) build -o $@ github.com/rhysd/actionlint/cmd/actionlint

# promtool tests the alert rules; remove_all_sd leaves out the cloud service
# discovery plugins, which test rules does not need.
$(BIN)/promtool: tools/promtool/go.mod tools/promtool/go.sum
	cd tools/promtool && $(GO) build -tags remove_all_sd -o $@ github.com/prometheus/prometheus/cmd/promtool

# staticcheck lints every Go package (make lint) with its default checks; an
# exception is a //lint:ignore comment with its reason, next to the code.
$(BIN)/staticcheck: tools/staticcheck/go.mod tools/staticcheck/go.sum
	cd tools/staticcheck && $(GO) build -o $@ honnef.co/go/tools/cmd/staticcheck

# The function is built with its image's build tags (ociimage.BuildTags says
# why; TestMakefileBuildTags checks this line), for this machine.
build:
	$(GO) build -tags grpcnotrace -ldflags "-s -w" -o $(OUT)/bin/function-gokinjo ./functions/gokinjo
	$(GO) build -ldflags "-s -w" -o $(OUT)/bin/gokinjo-render ./cmd/gokinjo-render

# The main job: the function starts locally, crossplane render renders the
# environment and every nested XR, the function stops. Output: one YAML stream.
render: $(BIN)/crossplane build
	@$(OUT)/bin/gokinjo-render render examples/claims/$(ENV).yaml --stage $(STAGE) \
		--crossplane $(BIN)/crossplane --function $(OUT)/bin/function-gokinjo

# Regenerate the observed fixtures (AWS simulator) and golden renders after an
# intended change; review the diff before committing.
fixtures golden: $(BIN)/crossplane
	$(GO) test ./internal/rendertree -run 'TestGolden' -update -count=1
	$(GO) test ./functions/gokinjo/internal/workloads -run TestAlertFile -update -count=1

# Estimated monthly cost of the example environments against their budgets.
cost:
	@$(GO) run ./cmd/gokinjo-cost

# What applying CLAIM would do, against OBSERVED fixtures (examples/observed/
# <env>/<stage>) or, without OBSERVED, the management cluster of the current
# kube context. gokinjo-plan exits 0 (no change), 2 (changes) or 1 (refused
# or error); make turns any non-zero into its own 2, so CI calls the binary.
CLAIM    ?=
OBSERVED ?=
plan: build | $(BIN)/crossplane
	@test -n "$(CLAIM)" || { echo "usage: make plan CLAIM=<claim file> [OBSERVED=examples/observed/<env>/ready]"; exit 1; }
	$(GO) build -o $(OUT)/bin/gokinjo-plan ./cmd/gokinjo-plan
	@$(OUT)/bin/gokinjo-plan $(CLAIM) $(if $(OBSERVED),--observed $(OBSERVED)) \
		--crossplane $(BIN)/crossplane --function $(OUT)/bin/function-gokinjo $(PLAN_FLAGS)

vet:
	$(GO) vet ./...

lint: $(BIN)/actionlint $(BIN)/staticcheck
	$(BIN)/actionlint .github/workflows/*.yaml
	@# The workflows' scripts: bash's own syntax check (no shellcheck here).
	for f in .github/scripts/*; do bash -n "$$f" || exit 1; done
	$(BIN)/staticcheck ./...
	@# -tags e2e: the end-to-end test files carry the build tag.
	cd test/e2e && $(BIN)/staticcheck -tags e2e ./...

# The Debian packages the tests need (PostgreSQL + PostGIS, chromium, npm):
# installed when missing (as root), else make stops naming the command.
deps:
	@.ci/install-deps

# -timeout 30m: on a cold build cache internal/xpkgbuild cross-compiles the
# function and the API for amd64 and arm64 while the other packages test
# beside it; that alone took over go test's default 10 minutes on 2 cores.
test: deps tools vet lint
	$(GO) test -count=1 -timeout 30m ./...
	$(MAKE) fuzz

# Fuzz RunFunction over random claims for a bounded time; the seed corpus is
# in functions/gokinjo/testdata/fuzz and runs in every go test.
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzRunFunction -fuzztime=$(FUZZTIME) ./functions/gokinjo

# Packages: the function (linux/amd64 and linux/arm64, runtime embedded) and
# the configuration, built without Docker.
xpkg: $(BIN)/crossplane
	$(GO) run ./cmd/gokinjo-package build --crossplane $(BIN)/crossplane --registry $(REGISTRY) --version $(VERSION)

publish: $(BIN)/crossplane
	$(GO) run ./services/api/cmd/imagebuild -o $(OUT)/images/gokinjo-api.tar -tag $(REGISTRY)/gokinjo-api:$(VERSION)
	$(GO) run ./cmd/gokinjo-package publish --crossplane $(BIN)/crossplane --registry $(REGISTRY) --version $(VERSION) \
		--api-image $(OUT)/images/gokinjo-api.tar

# App releases (docs/operations.md): build once, push to dev, promote by
# digest. The repositories come from the environment's claim status
# (kubectl, current context); credentials from the Docker config or, for
# ECR, the caller's AWS credentials.
RELEASE_FLAGS ?=
images: web-assets
	$(GO) run ./cmd/gokinjo-release images --version $(VERSION) --out $(OUT)/images

release-app:
	$(GO) run ./cmd/gokinjo-release push --env $(ENV) --version $(VERSION) --out $(OUT)/images $(RELEASE_FLAGS)

promote-app:
	$(GO) run ./cmd/gokinjo-release promote --from $(FROM) --to $(ENV) --version $(VERSION) $(RELEASE_FLAGS)

# The release itself: the claim's version line (commit it, open the PR).
bump-app:
	$(GO) run ./cmd/gokinjo-release bump examples/claims/$(ENV).yaml --version $(VERSION)

clean:
	rm -rf $(OUT)

-include services/api/api.mk
-include services/web/web.mk
-include test/e2e/e2e.mk
