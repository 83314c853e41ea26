"""What is written or printed rather than shown on a screen, headless.

- :mod:`~detente.tui.render.report` — the after-action report as Markdown, HTML (with charts
  drawn by matplotlib) or CSV;
- :mod:`~detente.tui.render.text` — plain-text views and turn summaries, and :class:`Names`, the
  one place an id becomes the words a person reads (screens, reports and the command line all
  say things through it);
- :mod:`~detente.tui.render.provenance` — who vouches for a log, said by every command that opens
  one;
- :mod:`~detente.tui.render.output` — the one way a file the user named is written (never over a
  log).

Imports run one way: the command line and the app import the renderer; the renderer imports only
the engine (and :mod:`detente.tui.errors`) — never the app, the command line or Textual, so a
report is made without a terminal (tests/test_import_hygiene.py checks it).
"""
