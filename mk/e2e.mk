# The end-to-end test and the local-stack measurements (issue 8), in local/e2e.
#
# The test builds the three bootstraps itself (as build-host does, into a temporary folder), starts
# the whole local stack in process and its own DynamoDB Local (or uses DDBTEST_ENDPOINT), so a
# plain `go test ./...` runs it once the emulators are installed (local-deps, dynamodb-local). That
# is why `make test` gets it from test-go: test-e2e then only says so, instead of a second run.
#
#   make test-e2e    only the end-to-end test (about 25 s after the first build)
#   make bench-e2e   the measurements, once (-count 1), into the e2e section of BENCHMARKS.md

E2E_TIMEOUT ?= 5m

.PHONY: test-e2e bench-e2e

ifeq ($(filter test,$(MAKECMDGOALS)),)
test-e2e: local-deps dynamodb-local
	$(GO) test -count=1 -timeout $(E2E_TIMEOUT) ./local/e2e/...
else
test-e2e: test-go
	@echo "test-e2e: local/e2e ran within test-go (go test ./...)"
endif

## bench-e2e: SendMessage -> API latency, API latency, bootstrap cold/warm invoke (about 1 min).
bench-e2e: local-deps dynamodb-local
	@$(GO) test -run '^$$' -bench . -count 1 -timeout 10m ./local/e2e \
	  | $(GO) run ./internal/tools/benchreport -file BENCHMARKS.md -section e2e -cmd "make bench-e2e"
