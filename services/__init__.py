"""The service layer: what the API routes and the web pages both call. Services take plain
arguments and return values; they know nothing of HTTP requests, responses or pages."""
