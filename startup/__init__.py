"""Start-up: the ``hotline`` command, the one-process development stack (``hotline up``)
and the demo city it loads. The layers below (settings, database, codec, logs, tokens,
request context, in ``hotline/``) never import from here."""
