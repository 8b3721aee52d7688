# services/api make fragment; the top-level Makefile includes it.
# Targets: api-test, api-bench, api-image.

GO ?= go
API_PKG := ./services/api
API_IMAGE ?= _output/images/gokinjo-api.tar
API_IMAGE_TAG ?= gokinjo/api:dev
API_BENCH_FLAGS ?=

.PHONY: api-test api-bench api-image

## api-test: unit + integration tests (starts throwaway PostgreSQL/PostGIS clusters)
api-test:
	$(GO) test $(API_PKG)/...

## api-bench: seed 200k crimes and load-test every endpoint on 127.0.0.1
api-bench:
	$(GO) run $(API_PKG)/cmd/apibench $(API_BENCH_FLAGS)

## api-image: static binary in a one-layer non-root image tarball, no Docker needed
api-image:
	$(GO) run $(API_PKG)/cmd/imagebuild -go $(GO) -o $(API_IMAGE) -tag $(API_IMAGE_TAG)
