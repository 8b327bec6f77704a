"""The run told the way the lesson tells it: summary moments, scored facts, predictions and their
explanations, and the "why" of one crash.

One home for reading a run as a story, so the summary line, the predict scorer's explanations and
the app's why view say the same things in the same words. ``timeline`` keeps lanes and pictures,
``headless`` keeps printing; both may read this package, and it reads neither's printing code.
This ``__init__`` imports nothing, so ``suptui.story.paths``-style imports stay cheap.
"""
