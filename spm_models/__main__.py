"""``python -m spm_models`` runs the ``spm`` command line."""

from __future__ import annotations

import sys

from spm_models.cli import main

sys.exit(main())
