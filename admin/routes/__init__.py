"""API routers (mounted under /api/v1 by the app factory) and the health probes."""
