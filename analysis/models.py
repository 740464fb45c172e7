"""Estimators behind the scaling-law forms: OLS, case bootstrap, quantile and Huber regression.

Pure numpy/scipy functions on arrays; no polars, no warehouse. Shapes: ``X`` is the design
matrix, shape (n, p), float64, first column all ones; ``y`` the response, shape (n,); ``W`` a
matrix of bootstrap case counts, shape (B, n), float64 (row b counts how often each case is drawn
in resample b, rows sum to n).

* OLS with analytic t intervals (:func:`ols`).
* Case bootstrap, all resamples solved at once (:func:`bootstrap_counts`, :func:`batched_wls`).
* Exact linear quantile regression (:func:`quantile_line`): the optimum of the check loss passes
  through two data points (Koenker 2005, *Quantile Regression*, sec. 2.2: a basic solution of the
  linear program), so every line through two points is scored and the best kept. The bootstrap
  scores the same candidate lines with each resample's counts (:func:`quantile_line_boot`).
* Huber regression on natural-log residuals with multi-start L-BFGS (:func:`huber_fit`), as in
  Hoffmann et al. 2022 (arXiv 2203.15556, Approach 3) and Besiroglu et al. 2024 (Epoch AI,
  arXiv 2404.10102); its bootstrap uses batched iteratively reweighted least squares
  (:func:`huber_boot`), which reaches the same optimum of this convex loss.

Performance: the batched products are small ((B x n) @ (n x 5)). OpenBLAS's thread pool does not
help them, and under CPU contention it hurts badly (6.5 ms instead of 0.15 ms per product at load
4 on a 2-core machine), so run refits with ``OPENBLAS_NUM_THREADS=1`` (``bench/refit`` sets it).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

#: Natural log of 10: converts log10 residuals into natural-log residuals (Huber delta's unit).
LN10 = math.log(10.0)


def seed_for(name: str) -> int:
    """Given a name such as ``"bootstrap|imagenet|top1|hardware_burden|polynomial"``, return a
    64-bit seed (first 8 bytes of its SHA-256): random draws are seeded by name, reproducibly."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


@dataclass(frozen=True)
class OLSResult:
    """Result of :func:`ols`.

    Attributes:
        beta: coefficients, shape (p,).
        cov: their covariance matrix s^2 (X'X)^-1, shape (p, p).
        se: standard errors, shape (p,).
        ci_low, ci_high: two-sided intervals at ``confidence`` (t, n - p df), shape (p,).
        r2: coefficient of determination.
        resid_se: residual standard error s = sqrt(RSS / (n - p)), response units.
        df: residual degrees of freedom n - p.
        xtx_inv: (X'X)^-1, shape (p, p), for prediction intervals.
    """

    beta: np.ndarray
    cov: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    r2: float
    resid_se: float
    df: int
    xtx_inv: np.ndarray


def ols(X: np.ndarray, y: np.ndarray, confidence: float = 0.95) -> OLSResult:
    """Fit y = X beta by ordinary least squares with analytic t intervals.

    Args:
        X: design matrix, shape (n, p), float64, with n > p and full column rank.
        y: response, shape (n,).
        confidence: level of the intervals.

    Raises:
        ValueError: n <= p, or X is rank deficient (e.g. constant x).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    if n <= p:
        raise ValueError(f"need more points than parameters: n={n}, p={p}")
    if np.linalg.matrix_rank(X) < p:
        raise ValueError("design matrix is rank deficient (constant x or year?)")
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    resid = y - X @ beta
    df = n - p
    s2 = float(resid @ resid) / df
    cov = s2 * xtx_inv
    se = np.sqrt(np.diag(cov))
    t = stats.t.ppf(0.5 + confidence / 2, df)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    return OLSResult(beta, cov, se, beta - t * se, beta + t * se, r2, math.sqrt(s2), df, xtx_inv)


def prediction_interval(res: OLSResult, x0: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Given an OLS fit and design rows ``x0`` (shape (m, p)), return (fit, half-width of the mean's
    CI, half-width of the prediction interval for a new observation), each shape (m,), and the
    t quantile used (0-d array). Response units."""
    x0 = np.atleast_2d(np.asarray(x0, dtype=float))
    fit = x0 @ res.beta
    lev = np.einsum("mi,ij,mj->m", x0, res.xtx_inv, x0)
    t = stats.t.ppf(0.5 + confidence / 2, res.df)
    return fit, t * res.resid_se * np.sqrt(lev), t * res.resid_se * np.sqrt(1.0 + lev), np.asarray(t)


def bootstrap_counts(n: int, reps: int, name: str) -> np.ndarray:
    """Return case-bootstrap counts, shape (reps, n), float64, each row a multinomial(n, 1/n) draw,
    from a generator seeded by ``name`` (:func:`seed_for`)."""
    rng = np.random.default_rng(seed_for(name))
    return rng.multinomial(n, np.full(n, 1.0 / n), size=reps).astype(float)


def batched_wls(X: np.ndarray, y: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Solve the weighted least-squares problems min_beta sum_i W[b, i] (y_i - X_i beta)^2 for all b.

    Args:
        X: shape (n, p); y: shape (n,); W: non-negative weights, shape (B, n).

    Returns:
        beta, shape (B, p), float64; rows whose weighted design is singular (e.g. a resample that
        drew a single x value) are NaN.
    """
    n, p = X.shape
    # one BLAS product each: A[b] = sum_i W[b, i] X_i X_i', c[b] = sum_i W[b, i] X_i y_i
    A = (W @ (X[:, :, None] * X[:, None, :]).reshape(n, p * p)).reshape(-1, p, p)
    c = W @ (X * y[:, None])
    if p == 2:  # closed form: faster than LAPACK on tiny batches
        det = A[:, 0, 0] * A[:, 1, 1] - A[:, 0, 1] * A[:, 1, 0]
    else:
        det = np.linalg.det(A)
    scale = np.einsum("bii->b", A) ** p
    bad = ~(np.abs(det) > 1e-10 * np.maximum(scale, 1e-300))
    if p == 2:
        d = np.where(bad, 1.0, det)
        beta = np.column_stack([(A[:, 1, 1] * c[:, 0] - A[:, 0, 1] * c[:, 1]) / d,
                                (A[:, 0, 0] * c[:, 1] - A[:, 1, 0] * c[:, 0]) / d])
    else:
        A[bad] = np.eye(p)
        beta = np.linalg.solve(A, c[..., None])[..., 0]
    beta[bad] = np.nan
    return beta


def percentile_ci(samples: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """Given bootstrap samples, shape (B,) (NaN allowed and dropped), return the percentile interval
    (NaN, NaN when fewer than 10 finite samples)."""
    s = samples[np.isfinite(samples)]
    if s.size < 10:
        return float("nan"), float("nan")
    a = (1 - confidence) / 2 * 100
    lo, hi = np.percentile(s, [a, 100 - a])
    return float(lo), float(hi)


def check_loss(u: np.ndarray, q: float) -> np.ndarray:
    """Koenker's check function rho_q(u) = u (q - 1{u < 0}), elementwise."""
    return u * (q - (u < 0))


def _candidate_lines(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return intercepts and slopes, shape (C,), of the lines through every pair of points with
    distinct x (C <= n (n - 1) / 2)."""
    i, j = np.triu_indices(len(x), k=1)
    dx = x[j] - x[i]
    ok = dx != 0
    i, j, dx = i[ok], j[ok], dx[ok]
    b = (y[j] - y[i]) / dx
    return y[i] - b * x[i], b


#: Largest n for which quantile regression enumerates all point pairs (n^2/2 candidate lines);
#: above it a linear program is solved instead (no bootstrap vectorisation there).
QUANTILE_ENUM_MAX_N = 400


def _quantile_lp(x: np.ndarray, y: np.ndarray, q: float, w: np.ndarray | None = None) -> tuple[float, float]:
    """Solve linear quantile regression as a linear program (HiGHS); weights w (n,) default 1."""
    n = len(x)
    w = np.ones(n) if w is None else w
    # variables: a+, a-, b+, b-, u+ (n), u- (n); y = a + b x + u+ - u-
    c = np.concatenate([[0, 0, 0, 0], q * w, (1 - q) * w])
    A = np.hstack([np.ones((n, 1)), -np.ones((n, 1)), x[:, None], -x[:, None], np.eye(n), -np.eye(n)])
    res = optimize.linprog(c, A_eq=A, b_eq=y, bounds=(0, None), method="highs")
    if not res.success:
        raise ValueError(f"quantile regression LP failed: {res.message}")
    v = res.x
    return float(v[0] - v[1]), float(v[2] - v[3])


def quantile_line(x: np.ndarray, y: np.ndarray, q: float) -> tuple[float, float]:
    """Fit the q-th conditional quantile line y = a + b x exactly (minimum check loss).

    Args:
        x, y: shape (n,), float64, n >= 2, x not constant.
        q: quantile in (0, 1).

    Returns:
        (a, b). Among lines with equal loss, the first in pair order is returned.

    Raises:
        ValueError: x is constant or q is outside (0, 1).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if not 0 < q < 1:
        raise ValueError(f"q must lie in (0, 1), got {q}")
    if np.ptp(x) == 0:
        raise ValueError("x is constant: slope undefined")
    if len(x) > QUANTILE_ENUM_MAX_N:
        return _quantile_lp(x, y, q)
    a, b = _candidate_lines(x, y)
    loss = check_loss(y[None, :] - a[:, None] - b[:, None] * x[None, :], q).sum(axis=1)
    k = int(np.argmin(loss))
    return float(a[k]), float(b[k])


def quantile_line_boot(x: np.ndarray, y: np.ndarray, q: float, W: np.ndarray, chunk: int = 250) -> np.ndarray:
    """Quantile-regression lines for every bootstrap resample, shape (B, 2) as (a, b).

    The optimum of a resample passes through two of its points, all of which are among the
    candidate lines of the full sample, and every candidate is a feasible line, so the minimum
    over all candidates of the resample's weighted check loss is its optimum. Cost: one
    (B x n) @ (n x C) product, done in chunks of ``chunk`` resamples.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) > QUANTILE_ENUM_MAX_N:
        out = np.full((W.shape[0], 2), np.nan)
        for r in range(W.shape[0]):
            if np.ptp(x[W[r] > 0]) > 0:
                out[r] = _quantile_lp(x, y, q, W[r])
        return out
    a, b = _candidate_lines(x, y)
    L = check_loss(y[None, :] - a[:, None] - b[:, None] * x[None, :], q)  # (C, n)
    out = np.empty((W.shape[0], 2))
    for s in range(0, W.shape[0], chunk):
        k = np.argmin(W[s:s + chunk] @ L.T, axis=1)
        out[s:s + chunk, 0], out[s:s + chunk, 1] = a[k], b[k]
    single = np.array([np.ptp(x[w > 0]) == 0 for w in W])
    out[single] = np.nan
    return out


def huber_loss(r: np.ndarray, delta: float) -> np.ndarray:
    """Huber loss of residuals r, elementwise: r^2/2 within delta, delta (|r| - delta/2) beyond."""
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def huber_fit(X: np.ndarray, y: np.ndarray, delta: float, starts: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Minimise sum_i Huber_delta(ln 10 * (y_i - X_i beta)) with L-BFGS from several starts.

    ``y`` is in log10 units; residuals are taken in natural-log units before the loss, so ``delta``
    has the meaning it has in Hoffmann et al. 2022 (delta = 1e-3 on natural-log residuals).

    Args:
        X: shape (n, p); y: shape (n,); delta > 0.
        starts: initial points, shape (S, p); default: the OLS solution, and the OLS solution
            with slope scaled by 0.5 and 1.5, and a flat line at the median (intercept refitted).

    Returns:
        (beta of the best start, shape (p,), number of starts that converged).

    Raises:
        ValueError: delta <= 0.
    """
    if not delta > 0:
        raise ValueError(f"delta must be > 0, got {delta}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if starts is None:
        b0 = np.linalg.lstsq(X, y, rcond=None)[0]
        starts = [b0]
        for f in (0.5, 1.5, 0.0):
            s = b0.copy()
            s[1:] *= f
            s[0] = np.median(y - X[:, 1:] @ s[1:])
            starts.append(s)
        starts = np.array(starts)
    # optimise in centred columns (beta = T gamma): intercept and slopes decouple, and L-BFGS
    # converges in a few dozen steps instead of crawling along their correlation
    mu = X[:, 1:].mean(axis=0)
    Xc = X.copy()
    Xc[:, 1:] -= mu
    T = np.eye(X.shape[1])
    T[0, 1:] = -mu  # beta = T @ gamma, gamma = inverse(T) @ beta

    def fun(gamma: np.ndarray) -> tuple[float, np.ndarray]:
        # loss / delta keeps the objective and its gradient O(1) even for tiny delta
        r = LN10 * (y - Xc @ gamma)
        psi = np.clip(r, -delta, delta)
        return float(huber_loss(r, delta).sum() / delta), -(Xc.T @ psi) * (LN10 / delta)

    best, best_val, ok = None, math.inf, 0
    T_inv = np.linalg.inv(T)
    for s in np.atleast_2d(starts):
        res = optimize.minimize(fun, T_inv @ s, jac=True, method="L-BFGS-B",
                                options={"maxiter": 500, "ftol": 1e-13, "gtol": 1e-9})
        ok += bool(res.success)
        if res.fun < best_val:
            best, best_val = T @ res.x, res.fun
    # polish: a few reweighted least-squares steps from the best start reach the kink-free optimum
    best = _huber_irls(X, y, delta, best[None, :], np.ones((1, len(y))), iters=50)[0]
    return best, ok


def _huber_irls(X: np.ndarray, y: np.ndarray, delta: float, beta0: np.ndarray, W: np.ndarray,
                iters: int = 100, tol: float = 1e-10) -> np.ndarray:
    """Batched IRLS for the Huber loss on natural-log residuals; beta0 (B, p), W (B, n).

    Each resample stops when its coefficients move less than ``tol``; only the others are
    iterated (most converge in a few steps, a few crawl along the flat valley of a small delta).
    """
    beta = beta0.copy()
    active = np.flatnonzero(np.isfinite(beta).all(axis=1))
    line = X.shape[1] == 2
    if line:  # y = a + b x: the five weighted sums in one product
        x = X[:, 1]
        M = np.column_stack([np.ones_like(x), x, x * x, y, x * y])
    for _ in range(iters):
        if active.size == 0:
            break
        b = beta[active]
        if line:
            a = np.abs(y[None, :] - b[:, :1] - b[:, 1:] * x[None, :])
            a *= LN10
            w = np.minimum(1.0, delta / np.maximum(a, 1e-300))
            w *= W[active]
            s0, s1, s2, t0, t1 = (w @ M).T
            det = s0 * s2 - s1 * s1
            good = det > 1e-12 * np.maximum(s0 * s2, 1e-300)
            d = np.where(good, det, 1.0)
            new = np.column_stack([(s2 * t0 - s1 * t1) / d, (s0 * t1 - s1 * t0) / d])
            new[~good] = np.nan
        else:
            r = LN10 * (y[None, :] - b @ X.T)  # (A, n)
            a = np.abs(r)
            wh = np.where(a <= delta, 1.0, delta / np.maximum(a, 1e-300))
            new = batched_wls(X, y, W[active] * wh)
        ok = np.isfinite(new).all(axis=1)
        new[~ok] = b[~ok]
        moved = np.abs(new - b).max(axis=1)
        beta[active] = new
        active = active[(moved >= tol) & ok]
    return beta


def huber_boot(X: np.ndarray, y: np.ndarray, delta: float, W: np.ndarray, iters: int = 300) -> np.ndarray:
    """Huber coefficients for every bootstrap resample, shape (B, p) (NaN for singular resamples);
    started from each resample's OLS solution and refined by batched IRLS."""
    beta0 = batched_wls(X, y, W)
    bad = ~np.isfinite(beta0).all(axis=1)
    beta0[bad] = 0.0
    out = _huber_irls(X, y, delta, beta0, W, iters=iters)
    out[bad] = np.nan
    return out


def record_mask(years: np.ndarray, scores: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Given years (n,) and scores (n,), return a bool mask (n,) of record-setting points: those
    whose score beats every score of strictly earlier years (the first year's points all qualify).

    Raises:
        ValueError: shapes differ or a year is NaN.
    """
    years = np.asarray(years, dtype=float)
    scores = np.asarray(scores, dtype=float)
    if years.shape != scores.shape:
        raise ValueError("years and scores must have the same shape")
    if np.isnan(years).any():
        raise ValueError("record_mask needs a year for every point")
    s = scores if higher_is_better else -scores
    out = np.zeros(len(s), dtype=bool)
    best = -math.inf
    for yr in np.unique(years):
        m = years == yr
        out[m] = s[m] > best
        best = max(best, s[m].max())
    return out


def ratio_ci_delta(b: float, c: float, cov_bc: np.ndarray, df: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """Delta-method interval of g = c / b.

    Args:
        b, c: coefficients; cov_bc: their 2 x 2 covariance ((b, b), (b, c); (c, b), (c, c)).
        df: degrees of freedom of the t quantile.

    Returns:
        (g, low, high).
    """
    g = c / b
    grad = np.array([-c / b**2, 1.0 / b])
    se = math.sqrt(float(grad @ cov_bc @ grad))
    t = stats.t.ppf(0.5 + confidence / 2, df)
    return g, g - t * se, g + t * se
