"""Moved to :mod:`suptui.story.predict`; this name stays until the app imports the new one."""

from ..story.predict import (
    Difference,
    MomentScore,
    Prediction,
    PredictionError,
    Score,
    horizon,
    report,
    score_prediction,
)

__all__ = ["Difference", "MomentScore", "Prediction", "PredictionError", "Score", "horizon", "report",
           "score_prediction"]
