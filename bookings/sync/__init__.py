"""Keeping the local mirror and Microsoft Graph in step: ``pull`` reads definitions from Graph."""

from .pull import pull_all, pull_business

__all__ = ["pull_all", "pull_business"]
