# The CDK app in infra/ (issue 7): its own Go module, tested by synthesis; deployed with the CDK CLI
# pinned here and installed from npm into .cache/. jsii and the CLI run on the Node 22 that
# mk/local.mk installs (target node22), and keep their caches in .cache/ too.
#
#   make test-infra     synthesize and assert on the templates, cdk-nag included (no AWS needed)
#   make synth          cdk.out from the real bootstraps (make build), offline, no credentials
#   make diff / deploy  against the account of your AWS credentials (cdk bootstrap once: make cdk-bootstrap)
#   make destroy        delete the stacks; retained data stays (see infra/README.md, "Teardown")
#
# Settings go through CDK context: make deploy CDK_ARGS='-c stage=prod -c alarmTopicArn=arn:...'

CDK_VERSION  := 2.1148.1
CDK_DIR      := $(CACHE)/cdk
CDK_CLI      := $(CDK_DIR)/node_modules/aws-cdk/bin/cdk
INFRA_DIR    := $(ROOT)/infra
CDK_OUT      := $(INFRA_DIR)/cdk.out
CDK_ARGS     ?=

# What jsii (inside the Go app and its tests) and the CLI need: Node 22 first on PATH and as
# JSII_NODE, caches under .cache/, no telemetry. AWS_EC2_METADATA_DISABLED keeps an offline synth
# from waiting on the instance metadata service while the CLI looks for credentials.
INFRA_ENV = JSII_NODE=$(NODE22) PATH="$(dir $(NODE22)):$$PATH" \
	JSII_RUNTIME_PACKAGE_CACHE_ROOT=$(CACHE)/jsii CDK_HOME=$(CACHE)/cdk-home \
	CDK_DISABLE_CLI_TELEMETRY=1 AWS_EC2_METADATA_DISABLED=true

# The app is the Go program in infra/; the function assets are those `make build` writes, the
# tracker page is web/static as it is (no build step).
CDK = cd $(INFRA_DIR) && $(INFRA_ENV) $(NODE22) $(CDK_CLI) --no-notices --app '$(GO) run .' \
	--output $(CDK_OUT) -c assetDir=$(BUILD)/lambda -c webDir=$(ROOT)/web/static

.PHONY: test-infra cdk-cli synth diff deploy destroy cdk-bootstrap infra-clean

## test-infra: the infra module's tests. They synthesize with placeholder assets (see
## infra/README.md), so they need neither `make build` nor AWS.
test-infra: node22
	cd $(INFRA_DIR) && $(INFRA_ENV) $(GO) test -count=1 -timeout 15m ./...

cdk-cli: $(CDK_DIR)/.v$(CDK_VERSION)

$(CDK_DIR)/.v$(CDK_VERSION): | node22
	@echo "==> installing aws-cdk@$(CDK_VERSION) (the CDK CLI) into $(CDK_DIR)"
	@rm -rf $(CDK_DIR) && mkdir -p $(CDK_DIR) && echo '{"private":true}' > $(CDK_DIR)/package.json
	@cd $(CDK_DIR) && PATH="$(dir $(NODE22)):$$PATH" npm install --no-audit --no-fund --no-save --loglevel=warn aws-cdk@$(CDK_VERSION)
	@v=$$($(INFRA_ENV) $(NODE22) $(CDK_CLI) --version --no-notices 2>/dev/null) && case "$$v" in $(CDK_VERSION)*) ;; *) echo "aws-cdk@$(CDK_VERSION) not working: $$v"; exit 1;; esac
	@touch $@ && echo "==> CDK CLI $(CDK_VERSION) ready"

## synth: the cloud assembly in infra/cdk.out, offline; fails on any cdk-nag finding.
synth: build node22 cdk-cli
	@rm -rf $(CDK_OUT)
	$(CDK) synth --quiet $(CDK_ARGS)
	@echo "==> templates in $(CDK_OUT)"

## diff: what a deploy would change (needs AWS credentials).
diff: build node22 cdk-cli
	$(CDK) diff --all $(CDK_ARGS)

## deploy: both stacks, stateful first (needs AWS credentials and a bootstrapped account).
deploy: build node22 cdk-cli
	$(CDK) deploy --all --outputs-file $(CDK_OUT)/outputs.json $(CDK_ARGS)

## destroy: delete the stacks of a stage. With the default removal policy the tables, queues,
## user pool, cursor key and logs are retained and the stateful stack is termination-protected:
## see infra/README.md for the full teardown.
destroy: build node22 cdk-cli
	$(CDK) destroy --all $(CDK_ARGS)

## cdk-bootstrap: once per account and region, the CDK's asset bucket and deploy roles.
cdk-bootstrap: build node22 cdk-cli
	$(CDK) bootstrap $(CDK_ARGS)

infra-clean:
	rm -rf $(CDK_OUT)

## backfill: after a deploy over an existing deployment, bring the users and jobs older versions
## wrote up to this one (internal/tools/backfill; infra/README.md, "Upgrading an existing
## deployment"). Reads the tables and pool from the outputs make deploy wrote; idempotent, safe
## while the system runs. BACKFILL_ARGS='-dry-run' counts without writing; '-stack NAME' picks a
## stage when the outputs file holds several; '-v' logs each record written.
BACKFILL_ARGS ?=
.PHONY: backfill backfill-local
backfill:
	$(GO) run ./internal/tools/backfill -outputs $(CDK_OUT)/outputs.json $(BACKFILL_ARGS)

## backfill-local: the same on the local stack started by make up.
backfill-local:
	$(GO) run ./internal/tools/backfill -local $(LOCAL_STATE) $(BACKFILL_ARGS)
