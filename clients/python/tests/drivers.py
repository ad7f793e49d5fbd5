"""The frameworks' hook sequences, as each framework calls its callbacks (the order of its
training loop, the arguments of its dispatcher), for the callback tests and their subprocesses."""

from __future__ import annotations

from types import SimpleNamespace


# ---- Hugging Face: Trainer._inner_training_loop's order, CallbackHandler.call_event's arguments ----

def hf_call(cb, event, args, state, control, **kw):
    return getattr(cb, event)(args, state, control, model=None, processing_class=None, optimizer=None,
                              lr_scheduler=None, train_dataloader=None, eval_dataloader=None, **kw)


def hf_train(cb, *, epochs=3, steps=4, fail_at=None, world_zero=True):
    args = SimpleNamespace(run_name=None, output_dir="/tmp/out/bert-finetune")
    state = SimpleNamespace(epoch=0.0, global_step=0, max_steps=epochs * steps, num_train_epochs=epochs,
                            is_world_process_zero=world_zero, is_local_process_zero=world_zero, log_history=[])
    control = SimpleNamespace(should_training_stop=False)
    hf_call(cb, "on_init_end", args, state, control)
    hf_call(cb, "on_train_begin", args, state, control)
    for epoch in range(epochs):
        hf_call(cb, "on_epoch_begin", args, state, control)
        for step in range(steps):
            hf_call(cb, "on_step_begin", args, state, control)
            if fail_at == state.global_step:
                raise RuntimeError("CUDA out of memory")
            hf_call(cb, "on_pre_optimizer_step", args, state, control)
            hf_call(cb, "on_optimizer_step", args, state, control)
            state.global_step += 1
            state.epoch = epoch + (step + 1) / steps
            hf_call(cb, "on_step_end", args, state, control)
            hf_call(cb, "on_log", args, state, control, logs={"loss": 0.5})
        hf_call(cb, "on_epoch_end", args, state, control)
        hf_call(cb, "on_evaluate", args, state, control, metrics={"eval_loss": 0.4})
        hf_call(cb, "on_save", args, state, control)
    hf_call(cb, "on_train_end", args, state, control)


# ---- Lightning: fit's hook order (trainer/call.py, fit loop), on_exception from _interrupt ----

def lightning_fit(cb, *, epochs=2, batches=5, fail_at=None, global_zero=True, estimate=None):
    trainer = SimpleNamespace(is_global_zero=global_zero, global_step=0, current_epoch=0, max_epochs=epochs,
                              estimated_stepping_batches=epochs * batches if estimate is None else estimate)

    class LitResNet:
        pass

    module = LitResNet()

    def call(hook, *args):
        getattr(cb, hook)(trainer, module, *args)

    try:
        call("setup", "fit")
        call("on_fit_start")
        call("on_sanity_check_start")
        call("on_sanity_check_end")
        call("on_train_start")
        for epoch in range(epochs):
            call("on_train_epoch_start")
            for i in range(batches):
                call("on_train_batch_start", {"x": i}, i)
                if fail_at == trainer.global_step:
                    raise ValueError("loss is NaN")
                call("on_before_backward", 0.5)
                call("on_after_backward")
                call("on_before_optimizer_step", None)
                call("on_before_zero_grad", None)
                trainer.global_step += 1
                call("on_train_batch_end", {"loss": 0.5}, {"x": i}, i)
            call("on_validation_start")
            call("on_validation_epoch_start")
            call("on_validation_batch_start", {"x": 0}, 0, 0)
            call("on_validation_batch_end", None, {"x": 0}, 0, 0)
            call("on_validation_epoch_end")
            call("on_validation_end")
            call("on_train_epoch_end")
            trainer.current_epoch += 1
        call("on_train_end")
        call("on_fit_end")
        call("teardown", "fit")
    except BaseException as e:
        call("on_exception", e)  # lightning.pytorch.trainer.call._interrupt
        raise


# ---- Keras: Model.fit's order (CallbackList), params {"verbose", "epochs", "steps"} ----

def keras_fit(cb, *, epochs=3, steps=4):
    cb.set_params({"verbose": 1, "epochs": epochs, "steps": steps})
    cb.set_model(SimpleNamespace(name="mnist_cnn"))
    cb.on_train_begin()
    for epoch in range(epochs):
        cb.on_epoch_begin(epoch)
        for b in range(steps):
            cb.on_train_batch_begin(b)
            cb.on_train_batch_end(b, logs={"loss": 0.25})
        cb.on_test_begin()
        cb.on_test_batch_begin(0)
        cb.on_test_batch_end(0, logs={"loss": 0.3})
        cb.on_test_end(logs={"loss": 0.3})
        cb.on_epoch_end(epoch, logs={"loss": 0.25, "val_loss": 0.3})
    cb.on_train_end(logs={"loss": 0.25})
