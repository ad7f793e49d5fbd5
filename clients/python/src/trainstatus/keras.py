"""Keras: a Callback that reports `model.fit`.

    from trainstatus.keras import TrainstatusCallback
    model.fit(x, y, epochs=10, callbacks=[TrainstatusCallback("mnist-cnn")])

STARTED at on_train_begin, progress from the batch within the epoch and `self.params["steps"]`
and `["epochs"]` at each training batch's end, and at each epoch's end (with the loss), SUCCESS at
on_train_end. Keras has no exception hook: an exception that ends the process marks the job
FAILED through sys.excepthook, and a process that exits without on_train_end marks it FAILED at
exit. Uses Keras 3 (`keras`), else `tensorflow.keras`; imports no other framework."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._integration import Run, number

try:
    from keras.callbacks import Callback as _Callback
except ImportError:
    try:
        from tensorflow.keras.callbacks import Callback as _Callback
    except ImportError as e:  # pragma: no cover - the message is the point
        raise ImportError("trainstatus.keras needs keras: pip install keras") from e

__all__ = ["TrainstatusCallback"]


class TrainstatusCallback(_Callback):  # type: ignore[misc]
    """Reports `model.fit` as a trainstatus job. name: the display name (default the model's
    name); job_id and the other keyword arguments are those of `trainstatus.job`."""

    def __init__(self, name: Optional[str] = None, job_id: Optional[str] = None, **job_options: Any) -> None:
        super().__init__()
        self._run = Run(name, job_id, job_options)
        self._epoch = 0

    @property
    def job(self) -> Any:
        return self._run.job

    def _params(self) -> Dict[str, Any]:
        p = getattr(self, "params", None)
        return p if isinstance(p, dict) else {}

    def on_train_begin(self, logs: Optional[Dict[str, Any]] = None) -> None:
        try:
            # Keras 3 keeps the model in _model (its `model` property may sync state); Keras 2
            # and tf.keras in `model`.
            model = getattr(self, "_model", None) or self.__dict__.get("model")
            self._epoch = 0
            self._run.start(str(getattr(model, "name", "") or "keras"))
        except Exception:
            pass

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        try:
            if self._run.job is None:
                return
            p = self._params()
            steps, epochs = number(p.get("steps")), number(p.get("epochs"))
            if steps and epochs:
                s, e = int(steps), int(epochs)
                self._run.progress(self._epoch * s + batch + 1, s * e,
                                   f"epoch {self._epoch + 1}/{e}, batch {batch + 1}/{s}")
        except Exception:
            pass

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        try:
            if self._run.job is None:
                return
            epochs = number(self._params().get("epochs"))
            msg = f"epoch {epoch + 1}/{int(epochs)}" if epochs else f"epoch {epoch + 1}"
            loss = number((logs or {}).get("loss"))
            if loss is not None:
                msg += f", loss {loss:.4g}"
            self._run.progress(epoch + 1, epochs or 0, msg)
        except Exception:
            pass

    def on_train_end(self, logs: Optional[Dict[str, Any]] = None) -> None:
        try:
            self._run.succeed()
        except Exception:
            pass
