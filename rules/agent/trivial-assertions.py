import unittest


def test_parse():
    result = parse("1")
    # ruleid: python-assert-always-true
    assert True
    # ruleid: python-assert-always-true
    assert 1 == 1, "sanity"
    # ruleid: python-assert-always-true
    assert "parser works"
    # ok: python-assert-always-true
    assert result == 1
    # ok: python-assert-always-true
    assert True is not result
    # ok: python-assert-always-true
    assert result, "parse returned nothing"
    # ok: python-assert-always-true
    assert (1, 2) in result.edges
    # ruleid: python-assert-always-true
    assert (True)


class T(unittest.TestCase):
    def test_x(self):
        # ruleid: python-assert-always-true
        self.assertTrue(True)
        # ruleid: python-assert-always-true
        self.assertEqual(1, 1)
        # ok: python-assert-always-true
        self.assertTrue(is_valid("x"))
