"""Every model module, imported so that Base.metadata knows every table (Alembic, tests)."""

from storage import models, models_nudges, models_sessions, models_summaries, models_workshops
from storage.models import Base

MODEL_MODULES = [models, models_nudges, models_sessions, models_summaries, models_workshops]

__all__ = ["MODEL_MODULES", "Base"]
