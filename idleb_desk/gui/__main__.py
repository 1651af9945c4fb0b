"""`python -m idleb_desk.gui [DB] [--model NAME]` opens the review window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from idleb_desk.gui.window.app import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="idleb-desk-gui")
    parser.add_argument("db", nargs="?", type=Path)
    parser.add_argument("--model")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    return run(args.db, args.model)


if __name__ == "__main__":
    sys.exit(main())
