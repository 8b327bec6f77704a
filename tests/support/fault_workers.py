"""Workers that fault outside their callbacks (a thread of their own that raises, a ``__del__`` that
raises): named in tree files as ``tests.support.fault_workers:Class``."""

import threading

from suptui.engine import Actor


class Threads(Actor):
    """At 1 s, runs a thread of its own that raises."""

    def init(self):
        self.send_after(1000, "go")

    def handle_info(self, msg):
        thread = threading.Thread(target=self.boom, name="suptui-test-boom")
        thread.start()
        thread.join()

    def boom(self):
        raise ValueError("thread went wrong")


class Leaky:
    def __del__(self):
        raise RuntimeError("del went wrong")


class Dels(Actor):
    """At 1.5 s, drops an object whose __del__ raises."""

    def init(self):
        self.send_after(1500, "go")

    def handle_info(self, msg):
        Leaky()
