"""Not collected by pytest: a program with misspelt values that mypy must refuse (test_typing.py).

Each line that must be refused says so with an ``# error:`` comment naming the error code; every
other line must pass.
"""

from suptui.engine import Actor, ChildSpec, SupervisorClient, SupFlags, supervisor_spec


class Worker(Actor):
    pass


flags = SupFlags("one_for_al")  # error: arg-type
ok_flags = SupFlags("one_for_all", 5, 10, "any_significant")
bad_auto = SupFlags(auto_shutdown="al_significant")  # error: arg-type
spec = ChildSpec("w", Worker, restart="permanant")  # error: arg-type
kill = ChildSpec("w", Worker, shutdown="brutal")  # error: arg-type
kind = ChildSpec("w", Worker, type="wroker")  # error: arg-type
nested = supervisor_spec("s", [], strategy="rest_for_all")  # error: arg-type


def switch(client: SupervisorClient) -> None:
    client.set_strategy("one_for_on")  # error: arg-type
