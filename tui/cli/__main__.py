"""``python -m detente.tui.cli``, as browser tabs and tests run it: the same as ``detente``.

The commands raise :class:`detente.tui.errors.UserError`, which this package's ``main`` catches:
it is defined outside the module run as ``__main__``, so there is one class, not two."""

import sys

from detente.tui.cli import main

sys.exit(main())
