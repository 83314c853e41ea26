"""Détente's front end, in three packages whose imports run one way:

- :mod:`detente.tui.cli` — the ``detente`` command: one module per subcommand, and the package
  itself, which only parses the arguments and dispatches;
- :mod:`detente.tui.app` — the Textual app: its screens, panels and styles, and the session
  clients (local, hosted) the screens talk to;
- :mod:`detente.tui.render` — what is written or printed rather than shown on a screen: the
  after-action report (Markdown, HTML, CSV, charts), plain-text views and wordings, who vouches
  for a log, and the one safe way to write a file the user named.

``cli`` → ``app`` → ``render`` → ``detente.engine``: the command line may import the app and the
renderer, the app the renderer, and the renderer only the engine (never Textual, so reports are
made headless). :mod:`detente.tui.errors` holds the :class:`UserError` all three may raise.
"""
