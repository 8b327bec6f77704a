"""``suptui serve``: the playground in a browser (see :mod:`suptui.web.server`)."""
