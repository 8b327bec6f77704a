"""Attach to a real Erlang/Elixir node (issue 17): ``suptui attach --beam NAME@HOST``.

suptui runs its agent (``agent.exs``, shipped as source) with the system's ``elixir``; the agent joins
the node over Erlang distribution, finds its supervision trees, traces the supervisors, and speaks
suptui's attach wire on its stdin/stdout. :func:`open_beam` gives the same
:class:`~suptui.attach.Connection` as :func:`suptui.attach.open_connection`, and
:class:`BeamAttachment` is an :class:`~suptui.attach.Attachment`: a face written for a served
Python program works unchanged on a BEAM node. See docs/beam.md.
"""

from .client import AGENT, BeamAttachment, check_node_name, open_beam

__all__ = ["AGENT", "BeamAttachment", "check_node_name", "open_beam"]
