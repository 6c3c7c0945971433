"""API routers (mounted under /api/v1 by the app factory) and the health probes."""

__all__ = ["documents", "health", "operations"]
