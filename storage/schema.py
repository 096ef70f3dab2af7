"""Every model module, imported so that Base.metadata knows every table (Alembic, tests)."""

from storage import models
from storage.models import Base

MODEL_MODULES = [models]

__all__ = ["MODEL_MODULES", "Base"]
