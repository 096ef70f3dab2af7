"""Everything Alembic migrates: our models (storage.models imports every area's) and slack_sdk's OAuth tables."""

from storage.models import OAUTH_METADATA, Base

ALL_METADATA = [Base.metadata, OAUTH_METADATA]

__all__ = ["ALL_METADATA", "Base"]
