"""Détente's engine: scenarios, rules interface, sessions, views and the session log.

Pure at its core — adjudication, state and views read no clock, no disk and no
network — and never imports a user interface.
"""

__version__ = "0.1.0"
