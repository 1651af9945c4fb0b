"""Entry point of the frozen app: the same `idleb-desk` command as the wheel installs."""

import multiprocessing
import sys

if __name__ == "__main__":
    # spaCy's --n-process workers re-run this binary; freeze_support routes them.
    multiprocessing.freeze_support()
    from idleb_desk.cli import main

    sys.exit(main())
