"""Hugging Face `transformers`: a TrainerCallback that reports the Trainer's run.

    from trainstatus.huggingface import TrainstatusCallback
    trainer = Trainer(..., callbacks=[TrainstatusCallback("bert-finetune")])

STARTED at on_train_begin, progress from `state.global_step / state.max_steps` at each step's
end, SUCCESS at on_train_end. The Trainer has no exception hook: an exception that ends the
process marks the job FAILED through sys.excepthook (type, message, traceback's last lines), and
a process that exits without on_train_end marks it FAILED at exit. Only the world's process zero
reports (`state.is_world_process_zero`). Importing this module imports transformers and no other
framework."""

from __future__ import annotations

import os
from typing import Any, Optional

from ._integration import Run

try:
    from transformers import TrainerCallback as _TrainerCallback
except ImportError as e:  # pragma: no cover - the message is the point
    raise ImportError("trainstatus.huggingface needs transformers: pip install transformers") from e

__all__ = ["TrainstatusCallback"]


class TrainstatusCallback(_TrainerCallback):  # type: ignore[misc]
    """Reports the Trainer's run as a trainstatus job. name: the display name (default
    `args.run_name`, else the output folder's name); job_id and the other keyword arguments are
    those of `trainstatus.job`."""

    def __init__(self, name: Optional[str] = None, job_id: Optional[str] = None, **job_options: Any) -> None:
        super().__init__()
        self._run = Run(name, job_id, job_options)

    @property
    def job(self) -> Any:
        """The open job (None before on_train_begin and after its end)."""
        return self._run.job

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        try:
            if not getattr(state, "is_world_process_zero", True):
                return
            name = getattr(args, "run_name", None) or os.path.basename(str(getattr(args, "output_dir", "") or "").rstrip("/"))
            self._run.start(name or "transformers")
            self._report(state)
        except Exception:
            pass

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._report(state)

    def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._report(state)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        try:
            self._report(state)
            self._run.succeed()
        except Exception:
            pass

    def _report(self, state: Any) -> None:
        try:
            if self._run.job is None:
                return
            step, total = int(state.global_step or 0), int(state.max_steps or 0)
            epoch, epochs = getattr(state, "epoch", None), getattr(state, "num_train_epochs", None)
            msg = f"step {step}/{total}" if total else f"step {step}"
            if epoch is not None and epochs:
                msg += f", epoch {float(epoch):.2f}/{epochs}"
            self._run.progress(step, total, msg)
        except Exception:
            pass
