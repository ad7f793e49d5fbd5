"""Configuration as the CLI's: environment over the config file; a missing token is one clear
warning and the training runs."""

from __future__ import annotations

import json
import os

import pytest

import trainstatus
from conftest import TOKEN


def write_config(path, data, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f)
    os.chmod(path, mode)


def test_the_config_file_of_trainstatus_login(server, tmp_path, logs):
    write_config(str(tmp_path / "config" / "trainstatus" / "config.json"), {"api_url": server.url, "token": TOKEN})
    with trainstatus.job("from file"):
        pass
    server.wait_for(lambda s: s.events("SUCCESS"))
    assert server.requests[0].headers["Authorization"] == "Bearer " + TOKEN
    assert not logs.warnings()


def test_the_environment_overrides_the_file(server, tmp_path, monkeypatch):
    write_config(str(tmp_path / "config" / "trainstatus" / "config.json"),
                 {"api_url": "http://127.0.0.1:9", "token": "tsk_fromfile"})
    monkeypatch.setenv("TRAINSTATUS_API_URL", server.url)
    monkeypatch.setenv("TRAINSTATUS_REPORTING_TOKEN", TOKEN)
    with trainstatus.job("from env"):
        pass
    server.wait_for(lambda s: s.events("SUCCESS"))
    assert server.requests[0].headers["Authorization"] == "Bearer " + TOKEN


def test_without_xdg_the_file_is_under_home(server, tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    write_config(str(tmp_path / "home" / ".config" / "trainstatus" / "config.json"), {"api_url": server.url, "token": TOKEN})
    with trainstatus.job("home"):
        pass
    server.wait_for(lambda s: s.events("SUCCESS"))


def test_a_file_readable_by_others_is_used_with_a_warning(server, tmp_path, logs):
    write_config(str(tmp_path / "config" / "trainstatus" / "config.json"), {"api_url": server.url, "token": TOKEN}, 0o644)
    with trainstatus.job("open file"):
        pass
    server.wait_for(lambda s: s.events("SUCCESS"))
    assert len(logs.warnings("chmod 600")) == 1


@pytest.mark.parametrize("env, warning", [
    ({}, "no reporting token"),
    ({"TRAINSTATUS_REPORTING_TOKEN": TOKEN}, "no API URL"),
    ({"TRAINSTATUS_REPORTING_TOKEN": TOKEN, "TRAINSTATUS_API_URL": "ftp://x"}, "must be an http(s) URL"),
])
def test_missing_settings_are_one_warning_and_training_runs(monkeypatch, logs, env, warning):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    for _ in range(3):
        with trainstatus.job("unconfigured") as job:
            for i in range(100):
                job.progress(i)
        assert not job.reporting
    assert len(logs.warnings(warning)) == 1
    assert trainstatus.flush(0)


def test_a_broken_file_is_one_warning(tmp_path, logs):
    p = tmp_path / "config" / "trainstatus" / "config.json"
    p.parent.mkdir(parents=True)
    p.write_text("{not json")
    with trainstatus.job("broken") as job:
        job.progress(1)
    assert len(logs.warnings("cannot read the config file")) == 1
    assert len(logs.warnings("no reporting token")) == 1
