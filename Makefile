# gokinjo platform: Crossplane package + composition function.
#
#   make render ENV=dev [STAGE=initial|network|ready]   render a claim into every composed resource
#   make test                                           every test (unit, golden render, schema, API)
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

export GOFLAGS := -buildvcs=false

.PHONY: all tools build render fixtures golden test vet unit clean

all: build

tools: $(BIN)/crossplane $(BIN)/crane

$(BIN)/crossplane: tools/crossplane/go.mod tools/crossplane/go.sum
	cd tools/crossplane && $(GO) build -trimpath -o $@ \
		-ldflags "-s -w -X github.com/crossplane/crossplane/v2/internal/version.version=$(CROSSPLANE_VERSION)" \
		github.com/crossplane/crossplane/v2/cmd/crank

$(BIN)/crane:
	GOBIN=$(BIN) $(GO) install github.com/google/go-containerregistry/cmd/crane@$(CRANE_VERSION)

build:
	$(GO) build -ldflags "-s -w" -o $(OUT)/bin/function-gokinjo ./functions/gokinjo
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

vet:
	$(GO) vet ./...

test: $(BIN)/crossplane vet
	$(GO) test -count=1 ./...

clean:
	rm -rf $(OUT)

-include services/api/api.mk
