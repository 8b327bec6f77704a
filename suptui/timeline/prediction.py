"""Moved to :mod:`suptui.story.prediction`; this name stays until the app imports the new one."""

from ..story.prediction import (
    Prediction,
    PredictionError,
    Resolver,
    parse_prediction,
    read_prediction,
    resolve,
)

__all__ = ["Prediction", "PredictionError", "Resolver", "parse_prediction", "read_prediction", "resolve"]
