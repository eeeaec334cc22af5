"""The catalogue's choices under their old name, for the pages that still read them in a
session of their own (admin_users, reports_page): they move to ``services.choices``."""

from __future__ import annotations

from services.choices import Choices
from services.choices import choices_in as catalogue_choices

__all__ = ["Choices", "catalogue_choices"]
