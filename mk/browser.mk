# The real browser of the tracker page's tests (issue 13): Debian's chromium, installed the way
# Java is (the Debian package when run as root, a clear message otherwise), and axe-core (npm,
# pinned) for the accessibility checks. local/browsertest finds chromium on PATH (or $CHROMIUM)
# and axe-core under $(CACHE)/axe-core; a missing one fails the tests, never skips them.
#
#   make browser    install both (make test does it first)

AXE_CORE_VERSION := 4.14.1
AXE_CORE_DIR     := $(CACHE)/axe-core

.PHONY: browser chromium axe-core
browser: chromium axe-core

# The page's browser tests run inside the Go tests.
test-go: browser

# The Debian installs (Java, chromium, the Python packages) take one dpkg lock: make test runs its
# parts side by side (-j), so each apt target waits for the one before it (order-only).
chromium: | dynamodb-local
	@if [ -n "$${CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "==> installing Debian chromium (apt-get, about 40 s)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  command -v chromium >/dev/null || { echo "apt-get installed no chromium binary"; exit 1; }; \
	  echo "==> $$(chromium --version 2>/dev/null) ready"; \
	else \
	  echo "chromium not found: the tracker page's tests drive a real browser."; \
	  echo "Install it as root (Debian/Ubuntu): apt-get install -y --no-install-recommends chromium"; \
	  echo "or set CHROMIUM to a Chromium or Chrome binary."; \
	  exit 1; \
	fi

axe-core: $(AXE_CORE_DIR)/.v$(AXE_CORE_VERSION)

$(AXE_CORE_DIR)/.v$(AXE_CORE_VERSION):
	@echo "==> installing axe-core@$(AXE_CORE_VERSION) into $(AXE_CORE_DIR)"
	@rm -rf $(AXE_CORE_DIR) && mkdir -p $(AXE_CORE_DIR) && echo '{"private":true}' > $(AXE_CORE_DIR)/package.json
	@cd $(AXE_CORE_DIR) && npm install --no-audit --no-fund --no-save --loglevel=warn axe-core@$(AXE_CORE_VERSION)
	@test -s $(AXE_CORE_DIR)/node_modules/axe-core/axe.min.js || { echo "axe-core@$(AXE_CORE_VERSION) installed no axe.min.js"; exit 1; }
	@touch $@ && echo "==> axe-core $(AXE_CORE_VERSION) ready"

## bench-page: the tracker page in Chromium against an in-process stack (weight, SendMessage to
## the DOM at the real 2 s poll, paint; about 70 s), into the page section of BENCHMARKS.md.
.PHONY: bench-page
bench-e2e: bench-page
bench-page: local-deps dynamodb-local browser
	@$(GO) test -run '^$$' -bench . -count 1 -timeout 10m ./local/browsertest \
	  | $(GO) run ./internal/tools/benchreport -file BENCHMARKS.md -section page -cmd "make bench-e2e"
