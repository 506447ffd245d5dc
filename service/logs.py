"""Logging for `tthc serve`: the service's own loggers print beside uvicorn's, in its format."""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging config plus the `service` logger (start-up, degraded modes, Redis loss)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["service"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config
