"""Signed-in browsers: a server-side session per sign-in, its id in an HttpOnly cookie.

The session rows are ``services/web_sessions.py``'s; the cookie that names one is here.
Every state-changing request carries the session's CSRF token (a form field, or the
``X-CSRF-Token`` header HTMX sends).
"""

from __future__ import annotations

COOKIE = "hotline_session"
