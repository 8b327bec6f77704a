"""Tree files: TOML descriptions of supervision trees, turned into engine child specs."""

from .errors import Problem, TreeFileError
from .loader import BundledTree, list_bundled, load_tree, parse_tree
from .model import NodeDef, ScriptStep, Tree

__all__ = [
    "BundledTree",
    "NodeDef",
    "Problem",
    "ScriptStep",
    "Tree",
    "TreeFileError",
    "list_bundled",
    "load_tree",
    "parse_tree",
]
