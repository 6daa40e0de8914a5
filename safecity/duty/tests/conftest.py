"""Shared fixtures of the duty tests."""

import pytest

from .factories import post_in


@pytest.fixture
def post(city):
    """A duty room in Xinhui."""
    return post_in(city["xinhui"])
