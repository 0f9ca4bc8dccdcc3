"""Typed models of the documents; keys are the forms' Chinese labels."""

from .declaration import Declaration
from .department import Department
from .self_evaluation import SelfEvaluation
from .settings import Settings

__all__ = ["Declaration", "Department", "SelfEvaluation", "Settings"]
