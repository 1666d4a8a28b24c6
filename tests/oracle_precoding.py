"""Dense, direct, line-by-line reference of the precoding maths (tests and benchmarks only).

Everything here builds the (S N_T) x (S N_T) matrices of the paper explicitly and loops over UTs,
so that it is an independent check of the compact production path in ``precoding/``:
eq. (13) Rbar_k, (16)-(19) Omega_k, (17) Omega~_k, (23) e_k, (27) e~_k, (28)-(30) Q_k and Q~_k,
(32)/(39) receivers, (37)-(38) and Algorithm 1 (with the DESIGN.md termination rule and step 14),
Christensen et al. (2008) WMMSE and the MMSE precoder for the single-satellite baselines.
"""

from __future__ import annotations

import numpy as np

from channel.csi import StatisticalCSI
from channel.steering import upa_steering

# ---------------------------------------------------------------- random statistical CSI


def random_csi(
    rng: np.random.Generator,
    n_sat: int,
    n_users: int,
    nv: int,
    nh: int,
    *,
    scale: str = "unit",
    kappa: float | None = None,
    zeta2: float | None = None,
) -> StatisticalCSI:
    """Random statistical CSI: direction cosines uniform in [-1, 1], gamma log-uniform.

    scale="unit": gamma in [0.1, 10], sigma2 in [0.05, 0.5] (SNR of order 1..100 at P ~ 1 W).
    scale="realistic": gamma in [1e-15, 1e-13], sigma2 ~ 6e-16 W (link budget of Table I).
    kappa / zeta2: fixed value for every link, else kappa log-uniform in [1, 1000] and
    zeta2 uniform in [0, 1].
    """
    shape = (n_sat, n_users)
    steering = upa_steering(rng.uniform(-1, 1, shape), rng.uniform(-1, 1, shape), nv, nh)
    if scale == "unit":
        gamma = 10.0 ** rng.uniform(-1, 1, shape)
        sigma2 = rng.uniform(0.05, 0.5, n_users)
    elif scale == "realistic":
        gamma = 10.0 ** rng.uniform(-15, -13, shape)
        sigma2 = 6.0e-16 * rng.uniform(0.9, 1.1, n_users)
    else:
        raise ValueError(f"scale must be 'unit' or 'realistic', got {scale!r}")
    kap = 10.0 ** rng.uniform(0, 3, shape) if kappa is None else np.full(shape, float(kappa))
    zet = rng.uniform(0, 1, shape) if zeta2 is None else np.full(shape, float(zeta2))
    return StatisticalCSI(gamma=gamma, kappa=kap, zeta2=zet, steering=steering, sigma2=sigma2)


# ---------------------------------------------------------------- dense matrices


def stacked(weights: np.ndarray) -> np.ndarray:
    """Eq. (14): (S, N_T, K) -> (S N_T, K), column k = [w_{1,k}; ...; w_{S,k}]."""
    s, n, k = weights.shape
    return weights.reshape(s * n, k)


def unstacked(w: np.ndarray, n_sat: int) -> np.ndarray:
    """Inverse of ``stacked``."""
    sn, k = w.shape
    return w.reshape(n_sat, sn // n_sat, k)


def omega(csi: StatisticalCSI, k: int) -> np.ndarray:
    """Eq. (16), (19): Omega_k, block (s1, s2) = E{hbar_{s1,k}^* hbar_{s2,k}^T}."""
    v = np.asarray(csi.steering)
    s_count, _, n = v.shape
    out = np.zeros((s_count * n, s_count * n), dtype=complex)
    for s1 in range(s_count):
        for s2 in range(s_count):
            if s1 == s2:
                coef = csi.gamma[s1, k]
            else:
                coef = np.conj(csi.rho[s1, k]) * csi.rho[s2, k]
            block = coef * np.outer(np.conj(v[s1, k]), v[s2, k])
            out[s1 * n : (s1 + 1) * n, s2 * n : (s2 + 1) * n] = block
    return out


def omega_tilde(csi: StatisticalCSI, k: int) -> np.ndarray:
    """Omega~_k: the diagonal blocks of Omega_k only (eq. 17 as fixed by DESIGN.md)."""
    v = np.asarray(csi.steering)
    s_count, _, n = v.shape
    out = np.zeros((s_count * n, s_count * n), dtype=complex)
    for s in range(s_count):
        out[s * n : (s + 1) * n, s * n : (s + 1) * n] = csi.gamma[s, k] * np.outer(
            np.conj(v[s, k]), v[s, k]
        )
    return out


def mean_row(csi: StatisticalCSI, k: int) -> np.ndarray:
    """Eq. (18): E{hbar_k^T} = m_k^T, length S N_T."""
    v = np.asarray(csi.steering)
    return np.concatenate([csi.rho[s, k] * v[s, k] for s in range(v.shape[0])])


def q_matrix(csi: StatisticalCSI, k: int) -> np.ndarray:
    """Eq. (28)-(29): Q_k = [m_k^T; blkdiag(c_{s,k} v_{s,k}^T)], (S+1) x S N_T."""
    v = np.asarray(csi.steering)
    s_count, _, n = v.shape
    q = np.zeros((s_count + 1, s_count * n), dtype=complex)
    q[0] = mean_row(csi, k)
    for s in range(s_count):
        q[s + 1, s * n : (s + 1) * n] = csi.c[s, k] * v[s, k]
    return q


def q_tilde(csi: StatisticalCSI, k: int) -> np.ndarray:
    """Eq. (30): Q~_k = blkdiag(sqrt(gamma_{s,k}) v_{s,k}^T), S x S N_T."""
    v = np.asarray(csi.steering)
    s_count, _, n = v.shape
    q = np.zeros((s_count, s_count * n), dtype=complex)
    for s in range(s_count):
        q[s, s * n : (s + 1) * n] = np.sqrt(csi.gamma[s, k]) * v[s, k]
    return q


# ---------------------------------------------------------------- rates and MSEs


def _interference(csi: StatisticalCSI, w: np.ndarray, k: int, om_t: np.ndarray) -> float:
    return sum(np.real(np.conj(w[:, i]) @ om_t @ w[:, i]) for i in range(w.shape[1]) if i != k)


def rbar(csi: StatisticalCSI, weights: np.ndarray) -> np.ndarray:
    """Eq. (13): Rbar_k = log2(1 + w_k^H Omega_k w_k / (sum_{i!=k} w_i^H Omega~_k w_i + s2))."""
    w = stacked(weights)
    out = np.empty(w.shape[1])
    for k in range(w.shape[1]):
        sig = np.real(np.conj(w[:, k]) @ omega(csi, k) @ w[:, k])
        itf = _interference(csi, w, k, omega_tilde(csi, k))
        out[k] = np.log2(1 + sig / (itf + csi.sigma2[k]))
    return out


def total_power(csi: StatisticalCSI, w: np.ndarray, k: int) -> float:
    """Denominator of (32): w_k^H Omega_k w_k + sum_{i!=k} w_i^H Omega~_k w_i + sigma_k^2."""
    sig = np.real(np.conj(w[:, k]) @ omega(csi, k) @ w[:, k])
    return sig + _interference(csi, w, k, omega_tilde(csi, k)) + csi.sigma2[k]


def receiver_modified(csi: StatisticalCSI, w: np.ndarray, k: int) -> np.ndarray:
    """Eq. (32): a_k = Q_k w_k / T_k, (S+1,)."""
    return q_matrix(csi, k) @ w[:, k] / total_power(csi, w, k)


def receiver_conventional(csi: StatisticalCSI, w: np.ndarray, k: int) -> complex:
    """Eq. (39) with Omega_k for the own term (as in (23)): a_k = m_k^T w_k / T_k."""
    return mean_row(csi, k) @ w[:, k] / total_power(csi, w, k)


def mse_modified(csi: StatisticalCSI, w: np.ndarray, k: int, a: np.ndarray) -> float:
    """Eq. (27) literally, for a given virtual receiver a_k (S+1,)."""
    om_t = omega_tilde(csi, k)
    quad = _interference(csi, w, k, om_t) + np.real(np.conj(w[:, k]) @ omega(csi, k) @ w[:, k])
    qw = q_matrix(csi, k) @ w[:, k]
    aa = np.real(np.vdot(a, a))
    val = aa * quad - np.vdot(a, qw) - np.conj(np.vdot(a, qw)) + aa * csi.sigma2[k] + 1
    return float(np.real(val))


def mse_conventional(csi: StatisticalCSI, w: np.ndarray, k: int, a: complex) -> float:
    """Eq. (23) literally, for a given scalar receiver a_k."""
    om_t = omega_tilde(csi, k)
    quad = _interference(csi, w, k, om_t) + np.real(np.conj(w[:, k]) @ omega(csi, k) @ w[:, k])
    mw = mean_row(csi, k) @ w[:, k]
    aa = abs(a) ** 2
    val = aa * quad - np.conj(a) * mw - a * np.conj(mw) + aa * csi.sigma2[k] + 1
    return float(np.real(val))


# ---------------------------------------------------------------- Algorithm 1, dense


def dense_matched_filter(csi: StatisticalCSI, power_w: np.ndarray) -> np.ndarray:
    """w_k = conj(m_k) / ||m_k|| sqrt(P_k), P_k = sum P_s / K (DESIGN.md initialiser)."""
    s_count, k_count, n = np.shape(csi.steering)
    p_k = np.sum(power_w) / k_count
    w = np.zeros((s_count * n, k_count), dtype=complex)
    for k in range(k_count):
        m = np.conj(mean_row(csi, k))
        w[:, k] = m / np.linalg.norm(m) * np.sqrt(p_k)
    return unstacked(w, s_count)


def dense_joint(
    csi: StatisticalCSI,
    power_w: np.ndarray,
    *,
    modified: bool,
    beta: np.ndarray | None = None,
    max_iter: int = 10,
    tol: float = 1e-3,
    init: np.ndarray | None = None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Algorithm 1 (modified=True: MS-JoMWMMSE) or MS-JoWMMSE, one UT at a time, dense solves.

    Returns (iterates, final): iterates = [W_0, W_1, ...] (S, N_T, K) before step 14, and the
    final output after step 14.
    """
    s_count, k_count, _ = np.shape(csi.steering)
    beta = np.ones(k_count) if beta is None else beta
    p_k = np.sum(power_w) / k_count
    w = stacked(dense_matched_filter(csi, power_w) if init is None else init).copy()
    iterates = [unstacked(w.copy(), s_count)]
    omegas = [omega(csi, k) for k in range(k_count)]
    omegas_t = [omega_tilde(csi, k) for k in range(k_count)]
    e_prev = None
    n = 0
    while n < max_iter:
        # steps 7-8
        a, e = [], np.empty(k_count)
        for k in range(k_count):
            if modified:
                a.append(receiver_modified(csi, w, k))
                e[k] = mse_modified(csi, w, k, a[k])
            else:
                a.append(receiver_conventional(csi, w, k))
                e[k] = mse_conventional(csi, w, k, a[k])
        if e_prev is not None and np.sum(np.log2(e_prev / e)) <= tol:
            break
        u = 1.0 / e
        aa = np.array([np.real(np.vdot(a[k], a[k])) for k in range(k_count)])
        w_new = np.empty_like(w)
        for k in range(k_count):
            # step 9
            xi = beta[k] * u[k] * aa[k] * omegas[k]
            for i in range(k_count):
                if i != k:
                    xi = xi + beta[i] * u[i] * aa[i] * omegas_t[i]
            # step 10
            q = q_matrix(csi, k) if modified else mean_row(csi, k)[None, :]
            a_k = np.atleast_1d(a[k])
            reg = beta[k] * u[k] * aa[k] * csi.sigma2[k] / p_k
            rhs = beta[k] * u[k] * (np.conj(q).T @ a_k)
            if not np.any(rhs):  # a_k = 0: UT k is not served (conventional MSE, m_k = 0)
                w_new[:, k] = 0.0
                continue
            w_bar = np.linalg.solve(xi + reg * np.eye(xi.shape[0]), rhs)
            # step 11
            w_new[:, k] = np.sqrt(p_k / np.real(np.vdot(w_bar, w_bar))) * w_bar
        w = w_new
        e_prev = e
        n += 1
        iterates.append(unstacked(w.copy(), s_count))
    final = unstacked(w, s_count).copy()
    for s in range(s_count):  # steps 13-14
        fro2 = np.sum(np.abs(final[s]) ** 2)
        final[s] *= min(np.sqrt(power_w[s] / fro2), 1.0)
    return iterates, final


# ---------------------------------------------------------------- single-satellite baselines


def dense_mmse(h: np.ndarray, sigma2: np.ndarray, power: float) -> np.ndarray:
    """Transmit Wiener filter on a (K, N) channel: W = (H^H H + sum sigma2 / P I)^{-1} H^H,
    scaled to ||W||_F^2 = P; (N, K)."""
    n = h.shape[1]
    w = np.linalg.solve(np.conj(h).T @ h + np.sum(sigma2) / power * np.eye(n), np.conj(h).T)
    return w * np.sqrt(power / np.sum(np.abs(w) ** 2))


def dense_wmmse(
    h: np.ndarray,
    sigma2: np.ndarray,
    power: float,
    *,
    beta: np.ndarray | None = None,
    max_iter: int = 10,
    tol: float = 1e-3,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Christensen et al. (2008) WMMSE with sum power P on a (K, N) channel, N x N solves.

    Initialiser: matched filter w_k = conj(h_k) scaled to ||w_k||^2 = P / K. Same termination
    rule as Algorithm 1 with the conventional MSE. Returns (iterates, final (N, K)).
    """
    k_count, n = h.shape
    beta = np.ones(k_count) if beta is None else beta
    norms = np.linalg.norm(h, axis=1)
    w = np.conj(h).T / norms * np.sqrt(power / k_count)
    iterates = [w.copy()]
    e_prev = None
    it = 0
    while it < max_iter:
        a = np.empty(k_count, dtype=complex)
        e = np.empty(k_count)
        for k in range(k_count):
            resp = h[k] @ w  # (K,)
            tot = np.sum(np.abs(resp) ** 2) + sigma2[k]
            a[k] = resp[k] / tot
            e[k] = 1 - abs(resp[k]) ** 2 / tot
        if e_prev is not None and np.sum(np.log2(e_prev / e)) <= tol:
            break
        u = 1 / e
        cov = sum(
            beta[k] * u[k] * abs(a[k]) ** 2 * np.outer(np.conj(h[k]), h[k]) for k in range(k_count)
        )
        lam = sum(beta[k] * u[k] * abs(a[k]) ** 2 * sigma2[k] for k in range(k_count)) / power
        rhs = np.conj(h).T * (beta * u * a)[None, :]
        w_bar = np.linalg.solve(cov + lam * np.eye(n), rhs)
        w = w_bar * np.sqrt(power / np.sum(np.abs(w_bar) ** 2))
        e_prev = e
        it += 1
        iterates.append(w.copy())
    return iterates, w
