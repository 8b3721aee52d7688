# services/web make fragment; the top-level Makefile includes it.
# Targets: web-assets, web-test, web-image, web-dev.
#
# The browser app is built, never committed: npm ci installs the locked
# packages into a cache directory outside the repo (keyed by the lockfile),
# esbuild bundles src/ into services/web/ui/dist (git-ignored), and the Go
# server embeds that directory. go test and the image build depend on it.

GO ?= go
NPM ?= npm
WEB_UI        := services/web/ui
WEB_DIST      := $(WEB_UI)/dist
WEB_LOCK_HASH := $(shell cat $(WEB_UI)/package.json $(WEB_UI)/package-lock.json | sha256sum | cut -c1-16)
WEB_NODE_DIR  ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/gokinjo/web-node-$(WEB_LOCK_HASH)
WEB_IMAGE     ?= _output/images/gokinjo-web.tar
WEB_IMAGE_TAG ?= gokinjo/web:dev
WEB_SOURCES   := $(wildcard $(WEB_UI)/src/*)

.PHONY: web-assets web-test web-image web-dev

$(WEB_NODE_DIR)/.installed: $(WEB_UI)/package.json $(WEB_UI)/package-lock.json
	rm -rf $(WEB_NODE_DIR) && mkdir -p $(WEB_NODE_DIR)
	cp $^ $(WEB_NODE_DIR)/
	cd $(WEB_NODE_DIR) && $(NPM) ci --no-audit --no-fund
	touch $@

## web-assets: bundle the app into services/web/ui/dist (embedded by the Go server)
web-assets: $(WEB_DIST)/index.html

$(WEB_DIST)/index.html: $(WEB_NODE_DIR)/.installed $(WEB_SOURCES)
	rm -rf $(WEB_DIST)/assets $(WEB_DIST)/index.html
	NODE_PATH=$(WEB_NODE_DIR)/node_modules $(WEB_NODE_DIR)/node_modules/.bin/esbuild \
		$(WEB_UI)/src/main.js --bundle --minify --target=es2020 --format=iife \
		--outfile=$(WEB_DIST)/assets/app.js --loader:.png=file --asset-names=[name]-[hash] \
		--log-level=warning
	cp $(WEB_UI)/src/icon.svg $(WEB_DIST)/assets/icon.svg
	cp $(WEB_UI)/src/index.html $(WEB_DIST)/index.html
	@printf 'web-assets: app.js %s bytes (gzip -9: %s), app.css %s bytes\n' \
		$$(wc -c <$(WEB_DIST)/assets/app.js) $$(gzip -9c $(WEB_DIST)/assets/app.js | wc -c) $$(wc -c <$(WEB_DIST)/assets/app.css)

# The Go tests embed the built app; the browser test drives it in Chromium.
test: web-assets

## web-test: server tests and the real-browser test (Chromium + PostGIS + API)
web-test: web-assets
	$(GO) test -count=1 ./services/web/...

## web-image: static server with the app embedded, in a non-root image tarball
web-image: web-assets
	$(GO) run ./services/web/cmd/imagebuild -go $(GO) -o $(WEB_IMAGE) -tag $(WEB_IMAGE_TAG)

## web-dev: seeded throwaway PostGIS + API + web behind one origin on :3001
web-dev: web-assets
	$(GO) run ./services/web/cmd/webdev
