# make demo (issue 8): one command on a fresh clone. It installs and builds what is missing (the
# targets of the other mk files, each idempotent and printing its progress; Chromium from
# mk/browser.mk), then runs local/cmd/demo: the local stack in process on free ports, a sign-up,
# a simulated training job reporting through the CLI binary while `trainstatus watch` draws it,
# a checked report (the API, the dead-letter queue, the email, a second user's job of the same
# name), a screenshot of the tracker page on the finished job (build/demo/job-page.png), and a
# teardown that checks no process or port is left. It exits non-zero if a check fails.

TRAINSTATUS_CLI := $(BUILD)/host/trainstatus
DEMO            := $(BUILD)/host/demo

.PHONY: demo demo-prepare trainstatus-cli demo-bin

## demo: the whole system on this machine, checked, then torn down (timings at the end).
demo:
	@echo "==> make demo: installing and building what is missing (the first time takes a few minutes)"
	@start=$$(date +%s%N); \
	$(MAKE) --no-print-directory demo-prepare; \
	$(DEMO) -cli $(TRAINSTATUS_CLI) -prepared-ms $$(( ($$(date +%s%N) - start) / 1000000 ))

demo-prepare: build-host local-deps dynamodb-local chromium trainstatus-cli demo-bin

## trainstatus-cli: the producer CLI for this machine.
trainstatus-cli:
	@mkdir -p $(dir $(TRAINSTATUS_CLI))
	$(GO) build -o $(TRAINSTATUS_CLI) ./cmd/trainstatus

demo-bin:
	@mkdir -p $(dir $(DEMO))
	$(GO) build -o $(DEMO) ./local/cmd/demo
