"""Helpers the tests share, by concern; conftest modules keep only fixtures.

- ``waiting``: :func:`~tests.support.waiting.eventually`, the one way to poll
- ``keys``: the suite's fixed encryption key and the data converter built on it
- ``actors``: the actors workflow tests act as
- ``data``: intake bodies and ticket numbers
- ``effects``: ticket state for the effect tests that run without a server
- ``statistics``: the fixed data set of the statistics tests
- ``rows``: read-model rows as an older revision stored them, for migration tests
- ``policy``: the policy file the workers read
- ``read_model``: opening a read model; a fresh PostgreSQL database
- ``stack``: binaries, ports, the app in process, Temporal servers
- ``tickets``: tickets on the time-skipping server, and their refusals
- ``api_client``: the app over ASGI with a token per role
- ``browser``: the workbench in Chromium, and what a person does on it
"""
