# ratecard — Okta rate-limit usage from your own logs.
# Needs Go and gcc (cgo, for the embedded DuckDB). `make help` lists the targets.

GO        ?= go
BIN       := bin/ratecard
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
DEMO_OUT  ?= demo-report
SAMPLES   := samples/okta-egress-eu.log.gz samples/okta-egress-us.log.gz
FUZZTIME  ?= 30s

# make bench: a generated month of nginx logs (samples/gen -bench-lines), kept between runs in BENCH_DIR
# and regenerated when the line count or the generator changes.
BENCH_DIR   ?= $(or $(TMPDIR),/tmp)/ratecard-bench
BENCH_LINES ?= 5000000
BENCH_RUNS  ?= 3
BENCH_STAMP  = $(BENCH_DIR)/.made-$(BENCH_LINES)-$(shell cat samples/gen/bench.go | sha256sum | cut -c1-12)
# and BENCH_SYSLOG Okta System Log events (samples/gen -bench-systemlog) in $(BENCH_DIR)/systemlog.ndjson.
# BENCH_BIG=1 adds the 50 M-line memory cases: BENCH_BIG_LINES lines in $(BENCH_DIR)/big/access.log
# (with $request_time) and combined.log (plain combined): about 18 GB of disk and minutes, kept too.
BENCH_SYSLOG ?= 1000000
BENCH_SYSLOG_STAMP = $(BENCH_DIR)/.made-syslog-$(BENCH_SYSLOG)-$(shell cat samples/gen/bench.go samples/gen/systemlog.go | sha256sum | cut -c1-12)
BENCH_BIG ?=
BENCH_BIG_LINES ?= 50000000
BENCH_BIG_STAMP = $(BENCH_DIR)/big/.made-combined-$(BENCH_BIG_LINES)-$(shell cat samples/gen/bench.go | sha256sum | cut -c1-12)

# The vendored ECharts build (npm package "echarts"), inlined into every report. `make echarts`
# fetches it with npm and refuses a file whose sha256 differs from the pin below.
ECHARTS_VERSION := 5.6.0
ECHARTS_SHA256  := bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1
ECHARTS_DIR     := report/assets

# The packages that build without cgo: everything but the engine (report/analyze, the one importer of
# go-duckdb and Arrow) and the commands that link it.
PURE_PKGS := ./ingest/... ./classify/... ./report ./report/reporttest ./samples/...

.PHONY: help build install demo test test-pure vet bench bench-clean fuzz echarts echarts-check samples tidy-check deps-check size-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/ratecard
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ratecard

# make install: into $(go env GOBIN), else the first $(go env GOPATH)/bin, as go install does; PREFIX=DIR
# installs DIR/bin/ratecard instead. Recursive (=), so go env runs only when install is made.
GOBINDIR = $(or $(shell $(GO) env GOBIN),$(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin)
BINDIR   = $(if $(PREFIX),$(PREFIX)/bin,$(GOBINDIR))

install: build ## install ratecard into $(go env GOPATH)/bin, or PREFIX/bin
	mkdir -p "$(BINDIR)"
	cp $(BIN) "$(BINDIR)/ratecard.tmp" && mv "$(BINDIR)/ratecard.tmp" "$(BINDIR)/ratecard"
	@echo "installed $(BINDIR)/ratecard"

demo: build ## analyze the bundled samples and write demo-report/report.html
	./$(BIN) analyze --tier enterprise --out $(DEMO_OUT) $(SAMPLES)
	@echo
	@echo "Open $(CURDIR)/$(DEMO_OUT)/report.html in a browser (it works offline)."

test: vet echarts-check deps-check size-check ## run the whole test suite (what CI runs)
	$(GO) test -count=1 ./...

test-pure: ## test everything but the engine without cgo (ingest, classify, report, samples)
	CGO_ENABLED=0 $(GO) test $(PURE_PKGS)

vet: ## go vet
	$(GO) vet ./...

bench: build ## Go benchmarks per stage, then issue 22's targets as ratios in one table (BENCH_BIG=1: with 50 M lines)
	$(GO) test -run '^$$' -bench . -benchmem ./ingest ./classify ./report ./report/analyze
	@if [ ! -f $(BENCH_STAMP) ]; then \
	  rm -rf $(BENCH_DIR) && \
	  $(GO) run ./samples/gen -bench-lines $(BENCH_LINES) -days 31 -start 2026-10-01 -out $(BENCH_DIR) && \
	  touch $(BENCH_STAMP); \
	fi
	@if [ ! -f $(BENCH_SYSLOG_STAMP) ]; then \
	  rm -f $(BENCH_DIR)/systemlog.ndjson $(BENCH_DIR)/.made-syslog-* && \
	  $(GO) run ./samples/gen -bench-systemlog $(BENCH_SYSLOG) -days 31 -start 2026-10-01 -out $(BENCH_DIR) && \
	  touch $(BENCH_SYSLOG_STAMP); \
	fi
	@if [ -n "$(BENCH_BIG)" ] && [ ! -f $(BENCH_BIG_STAMP) ]; then \
	  rm -rf $(BENCH_DIR)/big && \
	  $(GO) run ./samples/gen -bench-lines $(BENCH_BIG_LINES) -days 31 -start 2026-10-01 -split 0 -bench-gzip=false \
	    -out $(BENCH_DIR)/big && \
	  touch $(BENCH_BIG_STAMP); \
	fi
	$(GO) run ./cmd/ratecard-bench -bin $(BIN) -data $(BENCH_DIR) -runs $(BENCH_RUNS) -markdown \
	  $(if $(BENCH_BIG),-big $(BENCH_DIR)/big)
	@echo "ratecard sql's DuckDB query on the bench month, through analyze --counts, against analyze:"
	$(GO) test -count=1 -run '^TestCountsMatchFiles$$' ./report/analyze -args -counts-logs $(BENCH_DIR)/access.log

bench-clean: ## delete the generated bench input
	rm -rf $(BENCH_DIR)

fuzz: ## run every fuzz target for FUZZTIME (default 30s) each
	@set -e; for pkg in ./ingest ./ingest/oktalog ./classify; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

echarts: ## refresh report/assets/echarts.min.js from npm and check its sha256
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	(cd $$tmp && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null && tar xzf echarts-$(ECHARTS_VERSION).tgz); \
	echo "$(ECHARTS_SHA256)  $$tmp/package/dist/echarts.min.js" | sha256sum -c -; \
	cp $$tmp/package/dist/echarts.min.js $(ECHARTS_DIR)/echarts.min.js; \
	cp $$tmp/package/LICENSE $(ECHARTS_DIR)/LICENSE-echarts; \
	cp $$tmp/package/NOTICE $(ECHARTS_DIR)/NOTICE-echarts; \
	cp $$tmp/package/licenses/LICENSE-d3 $(ECHARTS_DIR)/LICENSE-d3; \
	zr=$$(sed -n 's/.*"zrender": *"\([^"]*\)".*/\1/p' $$tmp/package/package.json); \
	(cd $$tmp && npm pack --silent zrender@$$zr >/dev/null && mkdir zr && tar xzf zrender-$$zr.tgz -C zr); \
	cp $$tmp/zr/package/LICENSE $(ECHARTS_DIR)/LICENSE-zrender; \
	echo "vendored echarts $(ECHARTS_VERSION)"

echarts-check: ## check the vendored echarts.min.js against its pinned sha256
	@echo "$(ECHARTS_SHA256)  $(ECHARTS_DIR)/echarts.min.js" | sha256sum -c --quiet -

samples: ## regenerate the bundled sample logs
	$(GO) run ./samples/gen -out samples

deps-check: ## imports point one way (cmd → report → classify → ingest); only report/analyze imports DuckDB or Arrow
	@set -e; \
	bad=$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./ingest/... | grep -E 'ratecard/(classify|report|cmd)' || true); \
	bad="$$bad$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./classify/... | grep -E 'ratecard/(report|cmd)' || true)"; \
	bad="$$bad$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./report/... | grep -E 'ratecard/cmd' || true)"; \
	if [ -n "$$bad" ]; then echo "import direction violated:"; echo "$$bad"; exit 1; fi; \
	bad=$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
	  grep -v '^github.com/ratecard/ratecard/report/analyze:' | grep -E 'marcboeker/go-duckdb|apache/arrow' || true); \
	if [ -n "$$bad" ]; then echo "only report/analyze may import go-duckdb or Arrow:"; echo "$$bad"; exit 1; fi; \
	bad=$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' $(PURE_PKGS) | grep -E 'ratecard/report/analyze' || true); \
	if [ -n "$$bad" ]; then echo "a package that must build without cgo imports the engine:"; echo "$$bad"; exit 1; fi; \
	CGO_ENABLED=0 $(GO) vet $(PURE_PKGS)

size-check: ## no Go file but tests and generated code over 700 lines
	@bad=$$(find . -name '*.go' ! -name '*_test.go' -not -path './.git/*' -exec grep -L '^// Code generated .* DO NOT EDIT\.$$' {} + | \
	  xargs wc -l | awk '$$2 != "total" && $$1 > 700 {print}'); \
	if [ -n "$$bad" ]; then echo "files over 700 lines (split them by what they hold):"; echo "$$bad"; exit 1; fi

tidy-check: ## fail if go.mod/go.sum are not tidy
	$(GO) mod tidy -diff

clean: ## remove build output
	rm -rf bin $(DEMO_OUT) ratecard-report
