"""mlp.checks.check_stable names the numerical failure it saw: an overflow, a log of 0 after an
underflow, a division by zero, an invalid value."""
import numpy as np
import pytest

from mlp import checks


@pytest.mark.parametrize("fn,says", [
    (lambda z: np.exp(z) / np.exp(z).sum(), "overflows"),
    (lambda z: -np.log(np.exp(-z)).sum(),
     "takes the log of 0 (a value underflowed to 0 before the log)"),
    (lambda z: 1.0 / (z - z), "divides by zero"),
    (lambda z: np.exp(z) - np.exp(z), "overflows"),
    (lambda z: (z * np.inf - z * np.inf).sum(),
     "computes an invalid value (such as inf - inf or 0 / 0)"),
])
def test_check_stable_names_the_failure(fn, says):
    with pytest.raises(AssertionError) as info:
        checks.check_stable(fn, (np.array([1000.0, 999.0]),), 0.0, "f", hint="h")
    assert f"f {says} at large inputs" in str(info.value)
