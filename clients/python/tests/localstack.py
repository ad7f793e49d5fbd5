"""The real local stack (local/cmd/localstack) for the end-to-end test, started the way the Go
end-to-end tests start it: the emulators installed by make (local-deps, dynamodb-local), the
functions' bootstraps from $TRAINSTATUS_BUILD_HOST (make test builds them once) or built here
with the flags of `make build-host`, every address on 127.0.0.1 with a free port, and the demo
user signed up. stop() ends its whole process group and checks that nothing is left."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from typing import Any, Dict, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
USER = "demo@example.com"


def _run(args, **kw) -> None:
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")


def _bootstraps(work: str) -> str:
    given = os.environ.get("TRAINSTATUS_BUILD_HOST")
    functions = sorted(os.listdir(os.path.join(ROOT, "functions")))
    if given:
        for fn in functions:
            if not os.access(os.path.join(given, fn, "bootstrap"), os.X_OK):
                raise RuntimeError(f"TRAINSTATUS_BUILD_HOST={given} has no {fn}/bootstrap: run make build-host, or unset it")
        return given
    out = os.path.join(work, "host")
    bins = os.path.join(work, "bin") + os.sep
    _run(["go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w", "-o", bins]
         + ["./functions/" + fn for fn in functions], env={**os.environ, "CGO_ENABLED": "0"})
    for fn in functions:
        os.makedirs(os.path.join(out, fn))
        os.rename(os.path.join(bins, fn), os.path.join(out, fn, "bootstrap"))
    return out


class LocalStack:
    def __init__(self) -> None:
        self.work = tempfile.mkdtemp(prefix="trainstatus-py-e2e-")
        self.state_file = os.path.join(self.work, "state.json")
        self.log_file = os.path.join(self.work, "localstack.log")
        self.proc: Optional[subprocess.Popen] = None
        self.state: Dict[str, Any] = {}
        self.binary = os.path.join(self.work, "localstack")

    def start(self) -> "LocalStack":
        # The emulators, pinned in mk/local.mk and mk/dynamodb.mk (a no-op once installed).
        _run(["make", "-s", "local-deps", "dynamodb-local"])
        build_host = _bootstraps(self.work)
        _run(["go", "build", "-o", self.binary, "./local/cmd/localstack"])
        args = [self.binary, "-state", self.state_file, "-workdir", self.work, "-build-host", build_host,
                "-user", USER, "-batching-window", "0s"]
        for flag in ("-http-addr", "-lambda-addr", "-sqs-addr", "-cognito-addr", "-ses-addr", "-receiver-addr"):
            args += [flag, "127.0.0.1:0"]
        env = {**os.environ, "TRAINSTATUS_CACHE": os.path.join(ROOT, ".cache")}
        if os.environ.get("DDBTEST_ENDPOINT"):
            args += ["-dynamodb-endpoint", os.environ["DDBTEST_ENDPOINT"]]
        with open(self.log_file, "wb") as log:
            self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, env=env,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        # It prints its endpoints once ready, after writing the state file: wait for that line.
        first = self.proc.stdout.readline()
        if not first.startswith(b"local stack ready"):
            with open(self.log_file, "rb") as f:
                log = f.read()[-4000:].decode("utf-8", "replace")
            self.stop(check=False)
            raise RuntimeError("the local stack did not start; its log:\n" + log)
        with open(self.state_file) as f:
            self.state = json.load(f)
        return self

    @property
    def api(self) -> str:
        return self.state["http_endpoint"]

    @property
    def id_token(self) -> str:
        return self.state["user"]["id_token"]

    def stop(self, check: bool = True) -> None:
        p = self.proc
        if p is None:
            return
        self.proc = None
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
        if p.stdout:
            p.stdout.close()
        try:
            os.killpg(p.pid, signal.SIGKILL)  # anything of the group its stop left behind
        except ProcessLookupError:
            pass
        try:
            if check and os.path.exists(self.state_file):
                _run([self.binary, "-check-free", self.state_file])
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
