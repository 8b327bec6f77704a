"""Tree files: TOML descriptions of supervision trees, turned into engine child specs."""

from .model import NodeDef, ScriptStep, Tree

__all__ = ["NodeDef", "ScriptStep", "Tree"]
