"""Index order of the UPA steering vector, checked independently of its implementation.

Eq. (2)-(3) as docs/design.md#channel reads them: v = v_Nv(dir_cos_y) kron v_Nh(dir_cos_x),
v_N(x) = N^-1/2 [exp(-j pi n x)]_n, so element iv * Nh + ih is
exp(-j pi (iv dir_cos_y + ih dir_cos_x)) / sqrt(Nv Nh). Two independent checks, each with
Nv != Nh: the array-factor test fails if the cosines drive the wrong dimension (dir_cos_y on an
Nh-element axis); the element-by-element test also fails for a transposed (Nh-major) layout,
which no inner product between two steering vectors can reveal (the same permutation of both).
"""

import numpy as np
import pytest

from coopsat.channel.steering import upa_steering

# Unit-modulus sums of at most 100 terms: rounding stays below 1e-13.
ROUNDING = 1e-12


def array_factor(n: int, d: np.ndarray) -> np.ndarray:
    """|sin(n pi d / 2) / (n sin(pi d / 2))|, the normalised n-element ULA factor (1 at d = 0)."""
    d = np.asarray(d, dtype=float)
    num, den = np.sin(n * np.pi * d / 2.0), n * np.sin(np.pi * d / 2.0)
    safe = np.where(np.abs(den) < 1e-15, 1.0, den)
    return np.where(np.abs(den) < 1e-15, 1.0, np.abs(num / safe))


@pytest.mark.parametrize(("nv", "nh"), [(4, 7), (7, 4), (2, 10), (10, 10)])
def test_users_differing_in_one_direction_cosine_see_that_dimension_s_array_factor(nv, nh):
    rng = np.random.default_rng(nv * 100 + nh)
    base_x, base_y = rng.uniform(-0.6, 0.6, size=2)
    d = np.array([0.0, 0.05, 0.13, 2.0 / nv, 2.0 / nh, 0.31, 0.77])
    # Vertical: only dir_cos_y changes -> the Nv-element factor; horizontal -> the Nh one.
    v_ref = upa_steering(base_x, base_y, nv, nh)
    v_vert = upa_steering(np.full(d.shape, base_x), base_y + d, nv, nh)
    v_horz = upa_steering(base_x + d, np.full(d.shape, base_y), nv, nh)
    assert v_vert.shape == v_horz.shape == (d.size, nv * nh)
    vert = np.abs(v_vert @ np.conj(v_ref))
    horz = np.abs(v_horz @ np.conj(v_ref))
    np.testing.assert_allclose(vert, array_factor(nv, d), rtol=0, atol=ROUNDING)
    np.testing.assert_allclose(horz, array_factor(nh, d), rtol=0, atol=ROUNDING)
    if nv != nh:
        # The test has power: the two factors differ clearly at these offsets, so an
        # implementation that swapped the dimensions would fail the checks above.
        assert np.max(np.abs(array_factor(nv, d) - array_factor(nh, d))) > 0.3


@pytest.mark.parametrize(("nv", "nh"), [(3, 5), (5, 3), (1, 6), (6, 1)])
def test_every_element_follows_the_kronecker_index_iv_times_nh_plus_ih(nv, nh):
    rng = np.random.default_rng(7)
    cos_x = rng.uniform(-1, 1, size=(2, 3))  # (S, K)
    cos_y = rng.uniform(-1, 1, size=(2, 3))
    v = upa_steering(cos_x, cos_y, nv, nh)
    assert v.shape == (2, 3, nv * nh)
    for s in range(2):
        for k in range(3):
            for iv in range(nv):
                for ih in range(nh):
                    ref = np.exp(-1j * np.pi * (iv * cos_y[s, k] + ih * cos_x[s, k]))
                    ref /= np.sqrt(nv * nh)
                    assert abs(v[s, k, iv * nh + ih] - ref) < ROUNDING
