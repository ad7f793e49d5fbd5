"""The package as pip installs it from clients/python: a pure-Python wheel holding py.typed
(PEP 561), with no run-time dependency, importable without any framework."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

from conftest import SRC

PROJECT = os.path.dirname(SRC)


def test_pip_builds_a_typed_wheel_without_dependencies(tmp_path):
    # From a copy: a build without isolation writes build/ and *.egg-info beside the sources.
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("tests", "bench", "__pycache__"))
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                          "-w", str(tmp_path), str(project)], capture_output=True, text=True, timeout=300,
                         cwd=str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    wheels = [p for p in os.listdir(tmp_path) if p.endswith(".whl")]
    assert len(wheels) == 1 and wheels[0].endswith("-py3-none-any.whl"), wheels
    with zipfile.ZipFile(tmp_path / wheels[0]) as z:
        names = set(z.namelist())
        meta = next(z.read(n).decode() for n in names if n.endswith("METADATA"))
    assert {"trainstatus/py.typed", "trainstatus/__init__.py", "trainstatus/huggingface.py",
            "trainstatus/lightning.py", "trainstatus/keras.py"} <= names
    assert "Requires-Dist" not in meta and "Requires-Python: >=3.9" in meta
    # Install it where nothing else is, and import it.
    target = tmp_path / "site"
    with zipfile.ZipFile(tmp_path / wheels[0]) as z:
        z.extractall(target)
    r = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import trainstatus;"
                        " print(trainstatus.__version__, trainstatus.__file__)", str(target)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and str(target) in r.stdout, r.stderr


def test_every_module_is_python_3_9_syntax():
    import ast

    pkg = os.path.join(SRC, "trainstatus")
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py"):
            with open(os.path.join(pkg, name), encoding="utf-8") as f:
                ast.parse(f.read(), filename=name, feature_version=(3, 9))
