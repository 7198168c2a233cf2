"""How a synthetic export is marked, for the generator (``synthetic``) and the loader (``load``).

Kept apart from the generator so that the loader can recognise a synthetic export without
importing it (and ``python -m welfare_paradoxes.survey.synthetic`` runs a module not yet
imported).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .codebook import REPOSITORY_ROOT

SYNTHETIC_DIR = REPOSITORY_ROOT / "data" / "synthetic"
GENERATOR = "python -m welfare_paradoxes.survey.synthetic"
FILES = {"citizens": "citizens_synthetic.csv"}
# Row N is submitted at START + (N - 1) * STEP, a placeholder no real form writes.
START = datetime(2000, 1, 1, 0, 0, 0)
STEP = timedelta(minutes=1)
# Row N's comment cell reads MARKER_TEXT with id S<NN>.
MARKER = "SYNTETISK"
MARKER_COLUMN = "other_comments"
MARKER_TEXT = "{marker} {id}: genereret til undervisning, ikke en rigtig besvarelse"
