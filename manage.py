#!/usr/bin/env python
"""Django's command-line utility for SPOT-Me."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The project package lives in platform/spotme; platform/ itself is only a path entry and never
# an importable package, so the standard-library `platform` module is not shadowed.
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
