"""``python -m regions.cli``: the ``regions`` command line."""

from regions.cli import main

raise SystemExit(main())
