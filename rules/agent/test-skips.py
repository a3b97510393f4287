import sys
import unittest

import pytest


# ruleid: python-test-skipped
@pytest.mark.skip(reason="flaky")
def test_login():
    assert login("a", "b")


# ruleid: python-test-skipped
@pytest.mark.skip
def test_logout():
    assert logout()


# ruleid: python-test-skipped
@pytest.mark.skipif(True, reason="later")
def test_refresh():
    assert refresh()


# ruleid: python-test-skipped
@pytest.mark.xfail(strict=False)
def test_quota():
    assert quota() == 10


# ok: python-test-skipped
@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
def test_fork():
    assert fork()


# ok: python-test-skipped
@pytest.mark.parametrize("n", [1, 2])
def test_n(n):
    assert n


class T(unittest.TestCase):
    # ruleid: python-test-skipped
    @unittest.skip("broken")
    def test_a(self):
        self.assertEqual(a(), 1)

    def test_b(self):
        # ruleid: python-test-skipped
        self.skipTest("todo")

    def test_c(self):
        # ruleid: python-test-skipped
        pytest.skip("needs network")
        # ok: python-test-skipped
        skip_list = load_skips()
        # ok: python-test-skipped
        warn("you meant `@skip()` with brackets?")
