# The end-to-end test and the local-stack measurements (issue 8), in local/e2e.
#
# The test uses the bootstraps make test built (TRAINSTATUS_BUILD_HOST) or builds them itself, starts
# the whole local stack in process and its own DynamoDB Local (or uses DDBTEST_ENDPOINT), so a
# plain `go test ./...` runs it once the emulators are installed (local-deps, dynamodb-local): so
# `make test` runs it within test-go, and test-e2e is for running it alone.
#
#   make test-e2e    only the end-to-end test (about 25 s after the first build)
#   make bench-e2e   the measurements, once (-count 1), into the e2e section of BENCHMARKS.md

E2E_TIMEOUT ?= 5m

.PHONY: test-e2e bench-e2e

test-e2e: local-deps dynamodb-local
	$(GO) test -count=1 -timeout $(E2E_TIMEOUT) ./local/e2e/...

## bench-e2e: SendMessage -> API latency, API latency, bootstrap cold/warm invoke (about 1 min).
bench-e2e: local-deps dynamodb-local
	@$(GO) test -run '^$$' -bench . -count 1 -timeout 10m ./local/e2e \
	  | $(GO) run ./internal/tools/benchreport -file BENCHMARKS.md -section e2e -cmd "make bench-e2e"
