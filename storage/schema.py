"""Every model module, imported so that Base.metadata knows every table (Alembic, tests)."""

from storage import (
    models,
    models_calendar,
    models_nudges,
    models_privacy,
    models_sessions,
    models_summaries,
    models_workshops,
)
from storage.models import Base
from storage.oauth_tables import OAUTH_METADATA

MODEL_MODULES = [
    models,
    models_nudges,
    models_sessions,
    models_summaries,
    models_workshops,
    models_privacy,
    models_calendar,
]
# Everything Alembic migrates: our models, and the tables slack_sdk's OAuth stores read and write.
ALL_METADATA = [Base.metadata, OAUTH_METADATA]

__all__ = ["ALL_METADATA", "MODEL_MODULES", "OAUTH_METADATA", "Base"]
