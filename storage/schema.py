"""Every model module, imported so that Base.metadata knows every table (Alembic, tests)."""

from storage import models, models_nudges
from storage.models import Base

MODEL_MODULES = [models, models_nudges]

__all__ = ["MODEL_MODULES", "Base"]
