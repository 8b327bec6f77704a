"""The suite's root. ``tests`` is a package (so is ``tests/support``, the code tests share): pytest puts
the project's root on ``sys.path``, and shared helpers are imported as ``tests.support.*``."""
