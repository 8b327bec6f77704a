"""The Textual playground: a live supervision tree you can kill, switch and slow down.

Entry point: :func:`suptui.tui.app.run_app`. Importing this package imports no Textual code, so the
headless command line can live next to it without paying for the UI.

How the parts fit (each module has one job):

* ``feed``      a thread-safe buffer the engine's event bus appends to; the app drains it at ~30 Hz.
* ``model``     the view-model: plain dataclasses rebuilt from events, testable without Textual.
* ``narrate``   one log line per event, naming the cause of every restart.
* ``liverun``   one running tree: session + time control + feed; ``R`` replaces it.
* ``timecontrol`` the pacer interface, and a manual one for tests that step the clock themselves.
* ``treeview``, ``logview``, ``details``, ``header``  the widgets, drawing only from the model.
* ``bindings``  every key once, with id and description; footer, help and palette come from it.
* ``app``       binding → action method → one Session call → events → rows redrawn.
"""
