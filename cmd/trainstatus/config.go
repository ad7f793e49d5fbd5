package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// clientConfig is what the CLI reports with: the API's base URL and a reporting token. The
// Python reporter reads the same file and variables (BRIEF contract): env overrides the file.
type clientConfig struct {
	APIURL string `json:"api_url"`
	Token  string `json:"token"`
}

// configFile is the config file's path under dir: <dir>/trainstatus/config.json.
func configFile(dir string) string { return filepath.Join(dir, "trainstatus", "config.json") }

// configPath is the config file: $XDG_CONFIG_HOME/trainstatus/config.json when the variable is
// set (on every system), else under os.UserConfigDir (~/.config on Linux, ~/Library/Application
// Support on macOS, %AppData% on Windows).
func configPath(e *env) (string, error) {
	if dir := e.getenv(EnvConfigHome); dir != "" {
		if !filepath.IsAbs(dir) { // the XDG rule: a relative value is invalid and ignored
			return "", fmt.Errorf("$%s must be an absolute path, not %q", EnvConfigHome, dir)
		}
		return configFile(dir), nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory: %w", err)
	}
	return configFile(dir), nil
}

// readConfigFile reads the config file; a missing file is an empty config. A file others may
// read is used, with a warning: it holds a secret.
func readConfigFile(e *env) (clientConfig, string, error) {
	var c clientConfig
	path, err := configPath(e)
	if err != nil {
		return c, "", err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, path, nil
	}
	if err != nil {
		return c, path, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, path, fmt.Errorf("%s: not a trainstatus config file: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(e.stderr, "%s: warning: %s holds a secret but others may read it (mode %04o); run: chmod 600 %s\n",
			programName, path, st.Mode().Perm(), path)
	}
	return c, path, nil
}

// loadConfig is the reporting configuration: each field from its environment variable, else
// from the config file. The file is read only when a variable is missing.
func loadConfig(e *env) (clientConfig, error) {
	c := clientConfig{APIURL: e.getenv(EnvAPIURL), Token: e.getenv(EnvReportingToken)}
	if c.APIURL == "" || c.Token == "" {
		f, _, err := readConfigFile(e)
		if err != nil {
			return c, err
		}
		if c.APIURL == "" {
			c.APIURL = f.APIURL
		}
		if c.Token == "" {
			c.Token = f.Token
		}
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	if c.Token != "" {
		if err := checkReportingToken(c.Token); err != nil {
			return c, err
		}
	}
	return c, nil
}

// saveConfig writes c to the config file, readable by its owner only (0600, in a directory of
// mode 0700), replacing it atomically: a crash leaves the old file or the new one.
func saveConfig(e *env, c clientConfig) (string, error) {
	path, err := configPath(e)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// MkdirAll leaves an existing directory as it is: this one is ours, and holds a secret.
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".config-*.json") // created 0600
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, werr := f.Write(append(b, '\n'))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o600)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write %s: %w", path, werr)
	}
	return path, nil
}
