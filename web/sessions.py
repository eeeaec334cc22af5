"""Signed-in browsers: a server-side session per sign-in, its id in an HttpOnly cookie.

The session rows are ``services/web_sessions.py``'s; the pages know them by these names.
Every state-changing request carries the session's CSRF token (a form field, or the
``X-CSRF-Token`` header HTMX sends).
"""

from __future__ import annotations

from services.web_sessions import LIFETIME, SignedIn, end_session, open_session, signed_in

COOKIE = "hotline_session"

__all__ = ["COOKIE", "LIFETIME", "SignedIn", "end_session", "open_session", "signed_in"]
