"""Dense, direct, line-by-line reference of the precoding maths (tests and benchmarks only).

Everything here builds the (S N_T) x (S N_T) matrices of the paper explicitly and loops over UTs,
so that it is an independent check of the compact production path in ``precoding/``:
eq. (13) Rbar_k, (16)-(19) Omega_k, (17) Omega~_k, (23) e_k, (27) e~_k, (28)-(30) Q_k and Q~_k,
(32)/(39) receivers, (37)-(38) and Algorithm 1 (docs/design.md#algorithm-1, step 14 included),
Christensen et al. (2008) WMMSE and the MMSE precoder for the single-satellite baselines.

Beyond the paper (docs/design.md): the W-step (41) with exact per-satellite budgets by dense least
squares (42) and multipliers from ``scipy.optimize.root`` on a Fischer-Burmeister form of the
KKT conditions (44) (``dense_joint_psc``); known channel realisations as deterministic
statistics (``KnownChannel``: rho = g, gamma = |g|^2, c = 0) and their full-vector rates
(``instantaneous_rates``, Remark 1); the stacked-channel MS-MRT / MS-RZF (52)-(53).
"""

from __future__ import annotations

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.steering import upa_steering

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
    """Omega~_k: the diagonal blocks of Omega_k only (eq. 17 as read in docs/design.md#channel)."""
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
    """w_k = conj(m_k) / ||m_k|| sqrt(P_k), P_k = sum P_s / K (Algorithm 1's initialiser)."""
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


# ---------------------------------------------------------------- beyond the paper (eq. 41-55)


class KnownChannel:
    """Duck-typed stand-in for StatisticalCSI with a known realisation g (S, K): the
    "deterministic statistics" rho = g, gamma = |g|^2, c = 0 used by the dense functions above.
    """

    def __init__(self, csi: StatisticalCSI, g: np.ndarray):
        self.steering = np.asarray(csi.steering)
        self.sigma2 = np.asarray(csi.sigma2, dtype=float)
        self.rho = np.asarray(g, dtype=complex)
        self.gamma = np.abs(self.rho) ** 2
        self.c = np.zeros_like(self.rho)


def dense_matched_filter_per_satellite(csi, power_w: np.ndarray) -> np.ndarray:
    """W_s = [conj(rho_{s,k}) conj(v_{s,k})]_k scaled to ||W_s||_F^2 = P_s, column by column."""
    v = np.asarray(csi.steering)
    s_count, k_count, n = v.shape
    w = np.zeros((s_count, n, k_count), dtype=complex)
    for s in range(s_count):
        for k in range(k_count):
            w[s, :, k] = np.conj(csi.rho[s, k]) * np.conj(v[s, k])
        w[s] *= np.sqrt(power_w[s] / np.sum(np.abs(w[s]) ** 2))
    return w


def dense_step_problem(csi, weights: np.ndarray, *, modified: bool, beta=None):
    """Quadratic program (41) of the W-step after receivers (32)/(39) and u_k = 1/e_k at W.

    Returns (A, b, e): lists of A_k = sum_{i != k} c_i Omega~_i + c_k Omega_k (S N_T square) and
    b_k = beta_k u_k Q_k^H a_k (modified) or beta_k u_k conj(m_k) a_k (conventional), and the
    MSEs e~_k (27) / e_k (23) at the optimal receivers, each written out literally.
    """
    k_count = np.shape(csi.steering)[1]
    beta = np.ones(k_count) if beta is None else beta
    w = stacked(weights)
    om = [omega(csi, k) for k in range(k_count)]
    om_t = [omega_tilde(csi, k) for k in range(k_count)]
    qs = [q_matrix(csi, k) if modified else mean_row(csi, k)[None, :] for k in range(k_count)]
    e, c, a = np.empty(k_count), np.empty(k_count), []
    for k in range(k_count):
        quad = np.real(np.conj(w[:, k]) @ om[k] @ w[:, k]) + sum(
            np.real(np.conj(w[:, i]) @ om_t[k] @ w[:, i]) for i in range(k_count) if i != k
        )
        qw = qs[k] @ w[:, k]
        a_k = qw / (quad + csi.sigma2[k])  # (32) / (39)
        aa = np.real(np.vdot(a_k, a_k))
        e[k] = np.real(aa * quad - 2 * np.real(np.vdot(a_k, qw)) + aa * csi.sigma2[k] + 1)
        a.append(a_k)
    u = 1.0 / e
    c = np.array([beta[k] * u[k] * np.real(np.vdot(a[k], a[k])) for k in range(k_count)])
    big_a, big_b = [], []
    for k in range(k_count):
        mat = c[k] * om[k]
        for i in range(k_count):
            if i != k:
                mat = mat + c[i] * om_t[i]
        big_a.append(mat)
        big_b.append(beta[k] * u[k] * (np.conj(qs[k]).T @ a[k]))
    return big_a, big_b, e


def dense_step_solution(big_a, big_b, lam: np.ndarray, n_sat: int) -> np.ndarray:
    """Eq. (42): w_k = (A_k + blkdiag(lambda_s I))^{-1} b_k by dense least squares, (S, N_T, K).

    With lambda_s = 0 the matrix is singular outside the steering span (b_k has no component
    there): the minimum-norm solution, which is the lambda_s -> 0+ limit, is the one returned.
    """
    n = big_a[0].shape[0] // n_sat
    reg = np.diag(np.repeat(lam, n))
    w = np.column_stack(
        [np.linalg.lstsq(a + reg, b, rcond=None)[0] for a, b in zip(big_a, big_b, strict=True)]
    )
    return unstacked(w, n_sat)


def dense_multipliers(big_a, big_b, power_w: np.ndarray, scale: float) -> np.ndarray:
    """lambda of (44) by scipy.optimize.root on the Fischer-Burmeister system

        phi(lambda_s / scale, 1 - P_s(lambda) / P_s) = 0,  phi(x, y) = x + y - sqrt(x^2 + y^2),

    whose roots are exactly the KKT points (x >= 0, y >= 0, x y = 0)."""
    from scipy.optimize import root

    n_sat = power_w.size

    def fb(x):
        w = dense_step_solution(big_a, big_b, x * scale, n_sat)
        y = 1.0 - np.sum(np.abs(w) ** 2, axis=(1, 2)) / power_w
        return x + y - np.sqrt(x**2 + y**2)

    starts = [np.ones(n_sat), root(fb, np.ones(n_sat), method="lm").x, np.full(n_sat, 0.1)]
    for x0 in starts:  # Powell's hybrid method, from a Levenberg-Marquardt start if needed
        sol = root(fb, x0, method="hybr", options={"xtol": 1e-14, "maxfev": 5000})
        if np.max(np.abs(fb(sol.x))) <= 1e-12 and np.all(sol.x >= -1e-12):
            return np.maximum(sol.x, 0.0) * scale
    raise RuntimeError(f"oracle root finder failed: {sol.message}")


def dense_joint_psc(
    csi,
    power_w: np.ndarray,
    *,
    modified: bool,
    n_passes: int,
    beta=None,
    init: np.ndarray | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """n_passes of the loop of Algorithm 1 with the exact per-satellite W-step (41)-(44).

    Returns (iterates [W_0, ..., W_n], multipliers [lambda_1, ..., lambda_n]).
    """
    s_count, k_count, _ = np.shape(csi.steering)
    beta = np.ones(k_count) if beta is None else beta
    w = dense_matched_filter_per_satellite(csi, power_w) if init is None else init.copy()
    iterates, lams = [w.copy()], []
    for _ in range(n_passes):
        big_a, big_b, _ = dense_step_problem(csi, w, modified=modified, beta=beta)
        scale = np.mean([np.trace(a).real for a in big_a]) / big_a[0].shape[0]
        lam = dense_multipliers(big_a, big_b, power_w, scale)
        w = dense_step_solution(big_a, big_b, lam, s_count)
        iterates.append(w.copy())
        lams.append(lam)
    return iterates, lams


def instantaneous_rates(csi, g: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """R_k of one realisation g (S, K) for weights (S, N_T, K), with full channel vectors:
    signal |sum_s g v^T w_k|^2, interference sum_{i != k} sum_s |g v^T w_i|^2 (Remark 1)."""
    v = np.asarray(csi.steering)
    s_count, k_count, _ = v.shape
    out = np.empty(k_count)
    for k in range(k_count):
        h = [g[s, k] * v[s, k] for s in range(s_count)]  # hbar_{s,k}^T
        sig = abs(sum(h[s] @ weights[s, :, k] for s in range(s_count))) ** 2
        itf = sum(
            abs(h[s] @ weights[s, :, i]) ** 2
            for s in range(s_count)
            for i in range(k_count)
            if i != k
        )
        out[k] = np.log2(1 + sig / (itf + csi.sigma2[k]))
    return out


def dense_stacked_mean_channel(csi) -> np.ndarray:
    """M (K x S N_T) with rows m_k^T (eq. 18)."""
    return np.array([mean_row(csi, k) for k in range(np.shape(csi.steering)[1])])


def dense_rzf(csi, power_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MS-RZF on the stacked mean channel: W' = M^H (M M^H + sum sigma2 / sum P I)^{-1} and its
    per-satellite scaling to P_s; returns (W', W), each (S, N_T, K)."""
    m = dense_stacked_mean_channel(csi)
    k_count = m.shape[0]
    xi = np.sum(csi.sigma2) / np.sum(power_w)
    w = np.conj(m).T @ np.linalg.inv(m @ np.conj(m).T + xi * np.eye(k_count))
    raw = unstacked(w, len(power_w))
    scaled = raw.copy()
    for s in range(len(power_w)):
        scaled[s] *= np.sqrt(power_w[s] / np.sum(np.abs(raw[s]) ** 2))
    return raw, scaled
