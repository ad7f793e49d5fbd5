"""The three framework callbacks, driven through their hook sequences in the order and with the
arguments the frameworks use (stand-in base classes only where the framework is not importable:
see standins.py)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap

import pytest

import standins
from drivers import hf_train, keras_fit, lightning_fit
from conftest import SRC, TOKEN, subprocess_env

TESTS = standins.__file__.rsplit("/", 1)[0]


def load(name: str):
    base = standins.install(name)
    mod = importlib.import_module("trainstatus." + name)
    assert issubclass(mod.TrainstatusCallback, base)
    return mod.TrainstatusCallback, base


@pytest.mark.parametrize("name", ["huggingface", "lightning", "keras"])
def test_hooks_match_the_frameworks_names_and_signatures(name):
    cls, base = load(name)
    overridden = [m for m in vars(cls) if m.startswith("on_") or m in ("setup", "teardown")]
    assert overridden
    for m in overridden:
        assert hasattr(base, m), f"{name}: {m} is not a hook of {base}"
        ours = list(inspect.signature(getattr(cls, m)).parameters.values())
        theirs = list(inspect.signature(getattr(base, m)).parameters.values())
        assert [(p.name, p.kind, p.default) for p in ours] == [(p.name, p.kind, p.default) for p in theirs], m


@pytest.mark.parametrize("name", ["huggingface", "lightning", "keras"])
def test_importing_one_integration_imports_no_other_framework(server, name):
    others = {"huggingface": ["lightning", "pytorch_lightning", "keras", "tensorflow"],
              "lightning": ["transformers", "keras", "tensorflow"],
              "keras": ["transformers", "lightning", "pytorch_lightning", "torch"]}[name]
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {TESTS!r})
        tried = []
        class Block:
            def find_spec(self, fullname, path=None, target=None):
                if fullname.split(".")[0] in {others!r}:
                    tried.append(fullname)
                    raise ImportError("blocked by the test: " + fullname)
        sys.meta_path.insert(0, Block())
        import trainstatus
        assert not tried, tried
        assert "torch" not in sys.modules
        import standins
        standins.install({name!r})
        import trainstatus.{name}
        assert not tried, tried
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], env=subprocess_env(), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_huggingface_reports_the_trainer(env):
    cls, _ = load("huggingface")
    cb = cls(send_interval=0)
    hf_train(cb)
    env.wait_for(lambda s: s.events("SUCCESS"))
    started = env.events("STARTED")[0]
    assert started["name"] == "bert-finetune"
    progress = env.events("IN_PROGRESS")
    assert progress and progress[-1]["progress"] == 100.0
    assert progress[-1]["message"] == "step 12/12, epoch 3.00/3"
    assert env.events("SUCCESS")[0]["request_id"] == started["request_id"]
    assert cb.job is None


def test_huggingface_only_world_process_zero_reports(env):
    cls, _ = load("huggingface")
    cb = cls()
    hf_train(cb, world_zero=False)
    assert cb.job is None
    import trainstatus
    assert trainstatus.flush(5) and not env.requests


def test_huggingface_crash_is_failed_through_the_excepthook(env):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {TESTS!r})
        import standins, drivers
        standins.install("huggingface")
        from trainstatus.huggingface import TrainstatusCallback
        drivers.hf_train(TrainstatusCallback("bert"), fail_at=5)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env=subprocess_env(TRAINSTATUS_API_URL=env.url, TRAINSTATUS_REPORTING_TOKEN=TOKEN,
                                            PYTHONPATH=SRC + ":" + TESTS))
    assert out.returncode == 1 and "RuntimeError: CUDA out of memory" in out.stderr
    env.wait_for(lambda s: s.events("FAILED"))
    err = env.events("FAILED")[0]["error"]
    assert err.startswith("RuntimeError: CUDA out of memory\nTraceback") and "hf_train" in err


def test_lightning_reports_fit(env):
    cls, _ = load("lightning")
    cb = cls(send_interval=0)
    lightning_fit(cb)
    env.wait_for(lambda s: s.events("SUCCESS"))
    assert env.events("STARTED")[0]["name"] == "LitResNet"
    last = env.events("IN_PROGRESS")[-1]
    assert (last["progress"], last["message"]) == (100.0, "epoch 2/2, step 10/10")


def test_lightning_without_an_estimate_uses_epochs(env):
    cls, _ = load("lightning")
    cb = cls("iterable", send_interval=0)
    lightning_fit(cb, estimate=float("inf"))
    env.wait_for(lambda s: s.events("SUCCESS"))
    last = env.events("IN_PROGRESS")[-1]
    assert (last["progress"], last["message"]) == (100.0, "epoch 2/2, step 10")


@pytest.mark.parametrize("exc", [ValueError, KeyboardInterrupt])
def test_lightning_on_exception_fails_the_job(env, exc, monkeypatch):
    cls, _ = load("lightning")
    cb = cls("lit")

    def boom(*a):
        raise exc("interrupted")

    monkeypatch.setattr(cb, "on_before_backward", boom)
    with pytest.raises(exc):
        lightning_fit(cb)
    env.wait_for(lambda s: s.events("FAILED"))
    assert env.events("FAILED")[0]["error"].startswith(f"{exc.__name__}: interrupted\nTraceback")
    assert cb.job is None


def test_lightning_only_global_zero_reports(env):
    cls, _ = load("lightning")
    cb = cls()
    lightning_fit(cb, global_zero=False)
    import trainstatus
    assert trainstatus.flush(5) and not env.requests


def test_keras_reports_fit(env):
    cls, _ = load("keras")
    cb = cls(send_interval=0)
    keras_fit(cb)
    env.wait_for(lambda s: s.events("SUCCESS"))
    assert env.events("STARTED")[0]["name"] == "mnist_cnn"
    last = env.events("IN_PROGRESS")[-1]
    assert (last["progress"], last["message"]) == (100.0, "epoch 3/3, loss 0.25")
