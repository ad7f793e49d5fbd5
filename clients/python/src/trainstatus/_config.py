"""Where the reporter finds its endpoint and token: the same settings as the `trainstatus` CLI.
The environment (TRAINSTATUS_API_URL, TRAINSTATUS_REPORTING_TOKEN) overrides the config file
`trainstatus/config.json` under the user's config folder (Go's os.UserConfigDir: $XDG_CONFIG_HOME
or ~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on Windows), which
`trainstatus login` writes with mode 0600 as {"api_url": "...", "token": "tsk_..."}."""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from typing import Optional

from . import _problems

ENV_API_URL = "TRAINSTATUS_API_URL"
ENV_TOKEN = "TRAINSTATUS_REPORTING_TOKEN"
ENV_JOB_ID = "TRAINSTATUS_JOB_ID"
TOKEN_PREFIX = "tsk_"


@dataclass(frozen=True)
class Config:
    api_url: str
    token: str

    @property
    def events_url(self) -> str:
        return self.api_url.rstrip("/") + "/v1/events"


def config_dir() -> str:
    """Go's os.UserConfigDir, so that the CLI and the reporter read the same file."""
    if sys.platform == "win32":
        return os.environ.get("APPDATA", "")
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~"), "Library", "Application Support")
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    return xdg if xdg else os.path.join(os.path.expanduser("~"), ".config")


def config_file() -> str:
    return os.path.join(config_dir(), "trainstatus", "config.json")


def _read_file(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            data = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        _problems.once("config_file", "cannot read the config file %s (%s); using the environment only", path, e)
        return {}
    if not isinstance(data, dict):
        _problems.once("config_file", "the config file %s is not a JSON object; using the environment only", path)
        return {}
    if sys.platform != "win32" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        _problems.once("config_mode", "the config file %s holds a token and is readable by others: chmod 600 it", path)
    return data


def resolve(api_url: Optional[str] = None, token: Optional[str] = None) -> Optional[Config]:
    """The configuration: explicit arguments, else the environment, else the config file. None,
    with one warning, when the URL or the token is missing: the run is then not reported."""
    url = api_url or os.environ.get(ENV_API_URL, "")
    tok = token or os.environ.get(ENV_TOKEN, "")
    if not url or not tok:
        path = config_file()
        data = _read_file(path)
        url = url or str(data.get("api_url") or "")
        tok = tok or str(data.get("token") or "")
    if not tok:
        _problems.once("no_token", "no reporting token: set %s or run `trainstatus login` (file %s); "
                       "this run is not reported, the training runs as usual", ENV_TOKEN, config_file())
        return None
    if not url:
        _problems.once("no_url", "no API URL: set %s or run `trainstatus login` (file %s); "
                       "this run is not reported, the training runs as usual", ENV_API_URL, config_file())
        return None
    if not url.startswith(("http://", "https://")):
        _problems.once("bad_url", "%s must be an http(s) URL, not %r; this run is not reported", ENV_API_URL, url)
        return None
    if not tok.startswith(TOKEN_PREFIX):
        _problems.once("token_form", "the reporting token does not start with %r: is it a reporting token "
                       "(not a sign-in token)? Trying it anyway", TOKEN_PREFIX)
    return Config(api_url=url, token=tok)
