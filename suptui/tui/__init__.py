"""The Textual playground: a live supervision tree you can kill, switch and slow down.

Entry point: :func:`suptui.tui.app.run_app`. Importing this package imports no Textual code, so the
headless command line can live next to it without paying for the UI.

How the parts fit (each module has one job):

* ``feed``        the thread-safe buffer the engine's event bus appends to; the app drains it ~30 Hz.
* ``model``       the view-model: plain dataclasses rebuilt from events, testable without Textual.
* ``narrate``     the words: one log line per event (naming every restart's cause), the banner.
* ``rules``       what each key may do to the current selection, and why not.
* ``nodeactions`` the node keys as one table: key, rule, questions, confirm, the one engine call.
* ``runcontrol``  the run's bookkeeping without Textual: the drain, pause, speed, queued steps.
* ``liverun``     one running tree: session + time control + feed + spool; ``R`` replaces it.
* ``replayrun``   a recording in place of a run (``suptui replay``): no engine, events folded once.
* ``history``     a run's events and checkpoints of its view-model: any moment is a short seek.
* ``travelkeys``  time travel (``,`` ``[`` ``]`` ``g`` ``j`` ``n``), picking a moment, ``w``'s why.
* ``whyscreen``   the why of a crash (words from ``suptui.story.why``) and ``g``'s input.
* ``timecontrol`` the pacer interface, and a manual one for tests that step the clock themselves.
* ``export``      the on-disk spool of the whole stream, and ``e``'s export of it as a recording.
* ``sources``     the tree loader, the bundled trees and the built-in workers.
* ``treeload``    ``R`` and the picker load trees on a daemon thread, under a time limit.
* ``treeview``, ``logview``, ``details``, ``header``  the widgets, drawing only from the model.
* ``livetimeline`` the run's ``TimelineModel`` (fed by the same drain as the model) and the zoom.
* ``lanepaint``   the one place where the timeline's style names become theme colours.
* ``lanes``, ``lanescreen``  the lanes beside the tree (``t``) and full screen (``T``).
* ``predictdraft`` the predict grid as data, written out as summary lines for the scorer.
* ``predictgrid``, ``predictscreen``  the grid widget, and predict mode's two screens.
* ``compare``, ``comparescreen``  ``c``: the tree run headless under each strategy, side by side.
* ``bindings``    every key once, with id and description; footer, help and palette come from it.
* ``dialogs``, ``commands``  the modal screens and the command palette providers.
* ``guard``       an action that raises becomes a red log line.
* ``lanekeys``, ``learnkeys``  the timeline keys and predict/compare, mixed into the app.
* ``app``         binding → action method → one Session call → events → rows redrawn.
"""
