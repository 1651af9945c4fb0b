"""`python -m idleb_desk` is the same as the `idleb-desk` command."""

from __future__ import annotations

import sys

from idleb_desk.cli import main

sys.exit(main())
