// Package deps finds the local stack's installed tools (Node 22, fauxqs, cognito-local,
// aws-ses-v2-local and the Lambda Runtime Interface Emulator) in the cache folder that
// `make local-deps` fills.
//
// The folder is $TRAINSTATUS_CACHE, or .cache at the root of the repository. Missing tools are an
// error that names the make target to run: tests that need them fail, they never skip.
package deps

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// EnvCache names the cache folder; mk/local.mk exports it.
const EnvCache = "TRAINSTATUS_CACHE"

// Tools are the absolute paths of the installed tools.
type Tools struct {
	Cache        string // the cache folder
	Node         string // Node 22 binary
	FauxqsDir    string // npm prefix holding node_modules/fauxqs
	CognitoLocal string // cognito-local's start script (lib/bin/start.js)
	SESLocal     string // aws-ses-v2-local's command line (dist/cli.js)
	RIE          string // aws-lambda-rie binary
}

// Find locates the tools and checks each one is there.
func Find() (Tools, error) {
	cache, err := CacheDir()
	if err != nil {
		return Tools{}, err
	}
	t := Tools{
		Cache:        cache,
		Node:         filepath.Join(cache, "node22", "node_modules", "node", "bin", "node"),
		FauxqsDir:    filepath.Join(cache, "fauxqs"),
		CognitoLocal: filepath.Join(cache, "cognito-local", "node_modules", "cognito-local", "lib", "bin", "start.js"),
		SESLocal:     filepath.Join(cache, "aws-ses-v2-local", "node_modules", "aws-ses-v2-local", "dist", "cli.js"),
		RIE:          filepath.Join(cache, "bin", "aws-lambda-rie"),
	}
	var missing []error
	for _, f := range []string{t.Node, filepath.Join(t.FauxqsDir, "node_modules", "fauxqs", "package.json"), t.CognitoLocal, t.SESLocal, t.RIE} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, fmt.Errorf("missing %s", f))
		}
	}
	if len(missing) > 0 {
		return t, fmt.Errorf("local stack tools not installed (run `make local-deps`): %w", errors.Join(missing...))
	}
	return t, nil
}

// CacheDir returns $TRAINSTATUS_CACHE or the .cache folder at the repository root.
func CacheDir() (string, error) {
	if d := os.Getenv(EnvCache); d != "" {
		return filepath.Abs(d)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("%w; set %s", err, EnvCache)
	}
	return filepath.Join(root, ".cache"), nil
}

// RepoRoot returns the nearest folder above the working directory that holds go.mod and .git.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if isFile(filepath.Join(dir, "go.mod")) && exists(filepath.Join(dir, ".git")) {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("deps: no repository root above %s", wd)
		}
	}
}

func isFile(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }
func exists(p string) bool { _, err := os.Stat(p); return err == nil }
