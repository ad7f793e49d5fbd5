# trainstatus: the one entry point. Every target installs what it needs into .cache/ (ignored) on
# first use; a fresh clone needs only Go, Java 17 and Node/npm, which these machines have.
#
#   make test    every test: unit + DynamoDB Local + handlers + infra synthesis + end to end
#   make bench   benchmarks, written into BENCHMARKS.md
#   make build   the Lambda bootstraps (linux/arm64, provided.al2023) into build/lambda/
#   make demo    the whole system on this machine, end to end, then torn down
#   make up / make down   start / stop the local stack and leave it running
#   make synth / make deploy / make destroy   the CDK app (infra/README.md)
#   make backfill   after deploying over an existing deployment, bring its old users and jobs up to
#                   this version (infra/README.md, "Upgrading"); make backfill-local: the local stack
#   make local-deps   install the local stack's emulators (make test and make demo do it too)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT  := $(CURDIR)
CACHE := $(ROOT)/.cache
BUILD := $(ROOT)/build
GO    ?= go
export GOTOOLCHAIN := local

FUNCTIONS := $(notdir $(wildcard functions/*))

include mk/*.mk

.PHONY: help test test-deps test-go vet build build-host announce-build bench clean demo cross

# demo's recipe is in mk/demo.mk; it is named here too so that a reader of this file (and a
# newcomer's `grep '^demo:' Makefile`) finds the first command to run.
demo:

help:
	@sed -n '1,13p' Makefile | sed 's/^# \{0,1\}//'

## test: every test. The Go tests of the root module (the end-to-end test of local/e2e included)
## share one DynamoDB Local started here; the CDK app's tests run as a separate module.
# Two steps. vet, which compiles every package for this machine (build-host and the tests then
# reuse it), beside the installs (downloads, mostly waiting on the network) and make build (the
# arm64 bootstraps, whose sizes internal/coldstart checks). Then test-go beside test-infra and,
# after it, test-python: the Go tests spend much of their time waiting on the local stack (polls,
# the demo's stall window), which the CDK module's compile and synthesis and the Python tests fill.
# A fresh clone's make test (fresh-clone-check, this 2-core machine): 678 s all one after the
# other; 635 s with test-go beside test-infra; 673 s with test-python beside them too and go test
# -p 4 (more contention, not less); 576 s once the host bootstraps reused vet's compile and the CLI
# was cross-vetted by its platform package only; 579 s with make build beside vet; 551 s with the
# Python tests after the CDK app's, beside the Go tests (BENCHMARKS.md, issue 18).
test:
	@$(MAKE) --no-print-directory -j2 --output-sync=line vet test-deps build
	@$(MAKE) --no-print-directory -j2 --output-sync=line test-go test-infra-then-python

# The CDK app's tests and then the Python ones, together still shorter than the Go tests, whose
# last minutes are mostly waiting (the browser, the demo's stall window).
.PHONY: test-infra-then-python
test-infra-then-python: test-infra
	@$(MAKE) --no-print-directory test-python

## test-deps: everything the tests install (DynamoDB Local, the emulators, Node 22, the browser,
## the Python packages): each target also names its own, so that it runs alone too.
test-deps: dynamodb-local local-deps browser node22 python-deps

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null)" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# The tests that run the whole stack (local/e2e, local/browsertest, local/demo) use the bootstraps
# built once here (TRAINSTATUS_BUILD_HOST) rather than each building the functions again; the
# bootstrap-size check (internal/coldstart) weighs those of make build (TRAINSTATUS_BUILD_LAMBDA).
test-go: dynamodb-local build-host build
	@TRAINSTATUS_BUILD_HOST=$(BUILD)/host TRAINSTATUS_BUILD_LAMBDA=$(BUILD)/lambda $(DDB_LOCAL_RUN) $(GO) test -count=1 -timeout 10m ./...

## cross: the CLI built and vetted for every system training runs on (linux, darwin, windows x
## amd64, arm64). make test vets the CLI's system-specific package for three of the pairs and
## checks that nothing else in it differs by system (cmd/trainstatus/internal/platform says why).
CROSS_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
cross:
	@for t in $(CROSS_TARGETS); do echo "==> $$t"; \
	  GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/trainstatus && \
	  GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0 $(GO) vet ./cmd/trainstatus || exit 1; done

## bench: Go benchmarks, each against a baseline in the same run, written into BENCHMARKS.md.
## Rounds of -count 1 rather than one -count N, so that a variant and its baseline alternate and a
## drift in the machine's load hits both alike; the report takes the median of the rounds.
BENCH_COUNT ?= 5
BENCH_PACKAGES := ./pkg/ddb:pkg/ddb ./functions/status-updater:status-updater ./functions/status-query:status-query ./functions/ingest:ingest \
  ./functions/user-signup:user-signup ./internal/coldstart:coldstart
bench: dynamodb-local bench-e2e
	@for spec in $(BENCH_PACKAGES); do pkg=$${spec%%:*}; section=$${spec##*:}; \
	  echo "== $$pkg"; \
	  $(DDB_LOCAL_RUN) bash -c "for round in \$$(seq $(BENCH_COUNT)); do $(GO) test -run '^\$$' -bench . -count 1 $$pkg || exit 1; done" \
	    | $(GO) run ./internal/tools/benchreport -file BENCHMARKS.md -section $$section -cmd "make bench ($$pkg)"; \
	done

## build: stripped linux/arm64 bootstraps for Lambda (CGO off, lambda.norpc).
# One function after the other, even under make -j: two go builds at once would each compile the
# AWS SDK for arm64 (the build cache is shared, but not a compile in progress); the first compiles
# it with all cores and the others only link.
LAMBDA_BUILD = CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w'
build: announce-build
	@for fn in $(FUNCTIONS); do mkdir -p $(BUILD)/lambda/$$fn; \
	  echo "$(LAMBDA_BUILD) -o $(BUILD)/lambda/$$fn/bootstrap ./functions/$$fn"; \
	  $(LAMBDA_BUILD) -o $(BUILD)/lambda/$$fn/bootstrap ./functions/$$fn || exit 1; done

## build-host: the same bootstraps for this machine, run by the Lambda emulator in the local stack.
# Without -trimpath, unlike build: these never leave the machine, and so they reuse every package
# `go vet ./...` and `go test` compiled (-trimpath is part of a compiled package's cache key). With
# it, a fresh clone's make test compiled the AWS SDK once more for them: 92 s of its 635.
# local/internal/testenv builds them with the same flags when TRAINSTATUS_BUILD_HOST is unset.
HOST_BUILD_FLAGS := -tags lambda.norpc -ldflags='-s -w'
build-host: announce-build $(FUNCTIONS:%=$(BUILD)/host/%/bootstrap)

$(BUILD)/host/%/bootstrap: FORCE
	@mkdir -p $(@D)
	CGO_ENABLED=0 $(GO) build $(HOST_BUILD_FLAGS) -o $@ ./functions/$*

# The first build compiles the AWS SDK and says nothing for a minute or so: say it first.
announce-build:
	@echo "==> building the Lambda functions (the first time this compiles the AWS SDK: about a minute)"

clean: down
	rm -rf $(BUILD)

.PHONY: FORCE
FORCE:
