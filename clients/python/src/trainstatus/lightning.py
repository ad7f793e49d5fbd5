"""PyTorch Lightning: a Callback that reports `trainer.fit`.

    from trainstatus.lightning import TrainstatusCallback
    trainer = L.Trainer(..., callbacks=[TrainstatusCallback("resnet50")])

STARTED at on_fit_start, progress from `trainer.global_step / trainer.estimated_stepping_batches`
(else epochs done / `max_epochs`) at each training batch's and epoch's end, SUCCESS at
on_fit_end, FAILED at on_exception (which Lightning also calls for Ctrl-C) with the exception's
type, message and traceback's last lines. Only global rank zero reports (`trainer.is_global_zero`).
Works with `lightning` and with the older `pytorch_lightning` package; imports no other framework."""

from __future__ import annotations

import math
from typing import Any, Optional

from ._integration import Run, number

try:
    from lightning.pytorch.callbacks import Callback as _Callback
except ImportError:
    try:
        from pytorch_lightning.callbacks import Callback as _Callback
    except ImportError as e:  # pragma: no cover - the message is the point
        raise ImportError("trainstatus.lightning needs lightning (or pytorch_lightning): pip install lightning") from e

__all__ = ["TrainstatusCallback"]


class TrainstatusCallback(_Callback):  # type: ignore[misc]
    """Reports `trainer.fit` as a trainstatus job. name: the display name (default the
    LightningModule's class name); job_id and the other keyword arguments are those of
    `trainstatus.job`."""

    def __init__(self, name: Optional[str] = None, job_id: Optional[str] = None, **job_options: Any) -> None:
        super().__init__()
        self._run = Run(name, job_id, job_options)
        self._total: float = 0.0

    @property
    def job(self) -> Any:
        return self._run.job

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        try:
            if not getattr(trainer, "is_global_zero", True):
                return
            self._total = 0.0
            self._run.start(type(pl_module).__name__)
        except Exception:
            pass

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        # The dataloaders are set up by now: the estimate is read once, not per batch (it is a
        # computed property).
        try:
            total = number(trainer.estimated_stepping_batches)
            self._total = total if total is not None and total > 0 else 0.0
        except Exception:
            self._total = 0.0
        self._report(trainer)

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        self._report(trainer)

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        self._report(trainer, epoch_done=True)

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        try:
            self._run.succeed()
        except Exception:
            pass

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        try:
            self._run.fail(exception)
        except Exception:
            pass

    def _report(self, trainer: Any, epoch_done: bool = False) -> None:
        try:
            if self._run.job is None:
                return
            step = int(getattr(trainer, "global_step", 0) or 0)
            epoch = int(getattr(trainer, "current_epoch", 0) or 0) + (1 if epoch_done else 0)
            max_epochs = number(getattr(trainer, "max_epochs", None))
            msg = f"epoch {epoch}/{int(max_epochs)}" if max_epochs and max_epochs > 0 else f"epoch {epoch}"
            if self._total and math.isfinite(self._total):
                self._run.progress(step, self._total, f"{msg}, step {step}/{int(self._total)}")
            elif max_epochs and max_epochs > 0:
                self._run.progress(epoch, max_epochs, f"{msg}, step {step}")
            else:
                self._run.progress(0, 0, f"{msg}, step {step}")
        except Exception:
            pass
