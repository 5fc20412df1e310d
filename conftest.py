"""Test settings: fast mode, no display, and the repository root on sys.path."""

import os
import sys
from pathlib import Path

os.environ["WORKSHOP_FAST"] = "1"  # nbval kernels inherit this environment
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
