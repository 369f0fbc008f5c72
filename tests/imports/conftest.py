from pathlib import Path

import pytest

from tests.conftest import add_member  # noqa: F401  (re-exported for the tests here)

FIXTURES = Path(__file__).parent / "files"


@pytest.fixture
def fixture_path():
    return lambda name: FIXTURES / name
