"""The ``chinam`` command line (``chinam.cli.main``)."""

__all__ = ["cli"]
