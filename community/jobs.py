"""Background jobs on Huey. ``@app_task`` runs a task inside an application context: the one already
there (immediate mode, in a request), else one of the app the consumer bound with ``bind_app`` --
worker threads and processes start without any, since Flask's contexts live per thread."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, has_app_context

from community.extensions import huey

_bound: dict[str, Flask] = {}


def bind_app(app: Flask) -> None:
    """Called once by the consumer (``community.worker``): tasks run with this app's configuration."""
    _bound["app"] = app


def app_task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    def decorator(func: Callable[..., Any]) -> Any:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            if has_app_context():
                return func(*args, **kwargs)
            app = _bound.get("app")
            if app is None:
                raise RuntimeError(
                    "No app is bound for background jobs; run the consumer on community.worker."
                )
            with app.app_context():  # its teardown releases the database session
                return func(*args, **kwargs)

        return huey.task(**options)(run)

    return decorator


def app_periodic_task(
    validate_datetime: Callable[..., bool], **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """A periodic task (run by the consumer's scheduler) in an application context, committed once."""

    def decorator(func: Callable[..., Any]) -> Any:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            app = _bound.get("app")
            if has_app_context() or app is None:
                return func(*args, **kwargs)
            with app.app_context():
                return func(*args, **kwargs)

        return huey.periodic_task(validate_datetime, **options)(run)

    return decorator
