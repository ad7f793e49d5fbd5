"""Minimal stand-ins for the frameworks' callback base classes, used only by these tests and only
when the real framework is not importable here (none of the three is packaged by Debian). Each
holds the hooks the framework calls, with the names and signatures of its source:

- transformers src/transformers/trainer_callback.py (TrainerCallback, CallbackHandler.call_event:
  hooks get (args, state, control) positionally and model, processing_class, optimizer,
  lr_scheduler, train_dataloader, eval_dataloader (+ metrics/logs) as keywords; read at
  huggingface/transformers@55093b758b338fdc7903e778509523d755ae080d);
- lightning src/lightning/pytorch/callbacks/callback.py (Callback, incl. on_exception) and
  trainer/call.py (_call_callback_hooks passes (trainer, pl_module, *args); _interrupt calls
  on_exception); read at Lightning-AI/pytorch-lightning@759eefc3ed1ffc3e4623f9e4cf72c766dd74c252;
- keras keras/src/callbacks/callback.py (Callback with params/set_params/set_model; read at
  keras-team/keras@cb501854246610f4f8266c93aec96a547fb47640).

install(name) puts the stand-in into sys.modules under the framework's import path."""

from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any, Dict


class TrainerCallback:
    def on_init_end(self, args, state, control, **kwargs): pass
    def on_train_begin(self, args, state, control, **kwargs): pass
    def on_train_end(self, args, state, control, **kwargs): pass
    def on_epoch_begin(self, args, state, control, **kwargs): pass
    def on_epoch_end(self, args, state, control, **kwargs): pass
    def on_step_begin(self, args, state, control, **kwargs): pass
    def on_pre_optimizer_step(self, args, state, control, **kwargs): pass
    def on_optimizer_step(self, args, state, control, **kwargs): pass
    def on_substep_end(self, args, state, control, **kwargs): pass
    def on_step_end(self, args, state, control, **kwargs): pass
    def on_evaluate(self, args, state, control, **kwargs): pass
    def on_predict(self, args, state, control, metrics, **kwargs): pass
    def on_save(self, args, state, control, **kwargs): pass
    def on_log(self, args, state, control, **kwargs): pass
    def on_prediction_step(self, args, state, control, **kwargs): pass


class LightningCallback:
    @property
    def state_key(self) -> str:
        return self.__class__.__qualname__

    def setup(self, trainer, pl_module, stage): pass
    def teardown(self, trainer, pl_module, stage): pass
    def on_fit_start(self, trainer, pl_module): pass
    def on_fit_end(self, trainer, pl_module): pass
    def on_sanity_check_start(self, trainer, pl_module): pass
    def on_sanity_check_end(self, trainer, pl_module): pass
    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx): pass
    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx): pass
    def on_train_epoch_start(self, trainer, pl_module): pass
    def on_train_epoch_end(self, trainer, pl_module): pass
    def on_validation_epoch_start(self, trainer, pl_module): pass
    def on_validation_epoch_end(self, trainer, pl_module): pass
    def on_validation_batch_start(self, trainer, pl_module, batch, batch_idx, dataloader_idx=0): pass
    def on_validation_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0): pass
    def on_train_start(self, trainer, pl_module): pass
    def on_train_end(self, trainer, pl_module): pass
    def on_validation_start(self, trainer, pl_module): pass
    def on_validation_end(self, trainer, pl_module): pass
    def on_exception(self, trainer, pl_module, exception): pass
    def state_dict(self) -> Dict[str, Any]: return {}
    def load_state_dict(self, state_dict): pass
    def on_save_checkpoint(self, trainer, pl_module, checkpoint): pass
    def on_load_checkpoint(self, trainer, pl_module, checkpoint): pass
    def on_before_backward(self, trainer, pl_module, loss): pass
    def on_after_backward(self, trainer, pl_module): pass
    def on_before_optimizer_step(self, trainer, pl_module, optimizer): pass
    def on_before_zero_grad(self, trainer, pl_module, optimizer): pass


class KerasCallback:
    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params): self.params = params
    def set_model(self, model): self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None): pass
    def on_batch_end(self, batch, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): self.on_batch_begin(batch, logs=logs)
    def on_train_batch_end(self, batch, logs=None): self.on_batch_end(batch, logs=logs)
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass
    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass


FRAMEWORKS = {
    # our module -> (import path of the real base's module, attribute, stand-in)
    "huggingface": ("transformers", "TrainerCallback", TrainerCallback),
    "lightning": ("lightning.pytorch.callbacks", "Callback", LightningCallback),
    "keras": ("keras.callbacks", "Callback", KerasCallback),
}


def real(name: str) -> bool:
    mod = FRAMEWORKS[name][0].split(".")[0]
    if getattr(sys.modules.get(mod), "__standin__", False):
        return False
    return importlib.util.find_spec(mod) is not None


def install(name: str) -> type:
    """The framework's base class: the real one when importable, else the stand-in registered
    in sys.modules under the framework's import path."""
    path, attr, standin = FRAMEWORKS[name]
    if real(name):
        return getattr(importlib.import_module(path), attr)
    parts = path.split(".")
    for i in range(1, len(parts) + 1):
        m = sys.modules.setdefault(".".join(parts[:i]), types.ModuleType(".".join(parts[:i])))
        m.__standin__ = True  # type: ignore[attr-defined]
    setattr(sys.modules[path], attr, standin)
    return standin


import importlib  # noqa: E402
