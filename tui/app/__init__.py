"""The Textual app: ``detente play`` and ``detente join`` in a terminal (or a browser tab).

- :mod:`~detente.tui.app.app` — :class:`DetenteApp`, which starts on the start screen or a
  session's console, and its themes; ``detente.tcss`` its styles;
- :mod:`~detente.tui.app.screens` — one module per screen (start, console, team, projector,
  debrief, replay) and the modals and order forms they open;
- :mod:`~detente.tui.app.panels` — the widgets several screens show (ladder, matrices, footer);
- :mod:`~detente.tui.app.client` — :class:`SessionClient`, the one interface every screen talks
  to, and :class:`LocalClient`, a session on this machine (hot-seat); ``detente join`` uses
  :class:`detente.net.remote.RemoteClient` instead, and the host's own terminal
  :class:`~detente.tui.app.hosted.HostedClient`.

Imports run one way: the command line (:mod:`detente.tui.cli`) imports the app; the app imports
the renderer (:mod:`detente.tui.render`: wordings, reports, output paths) and the engine; neither
imports the app. This file imports nothing, so ``detente.tui.app.client`` loads without Textual.
"""
