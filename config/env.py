"""Reading settings from the environment, in one place.

Every setting that differs between a laptop, CI and a municipality's servers comes from an
environment variable; `.env` in the project root is read too when it exists (never committed).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))
