"""A small L2-regularised logistic regression in numpy (no scikit-learn here).

Full-batch gradient descent with a fixed step count: a project has hundreds to some ten
thousand reviewed suggestions and a sparse hashed feature vector each (`features.Rows`),
so training takes about a second and is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from idleb_desk.learn.features import DIM, Rows


@dataclass
class LogReg:
    weights: np.ndarray
    bias: float = 0.0

    @classmethod
    def fit(
        cls,
        x: Rows,
        y: np.ndarray,
        l2: float = 1e-3,
        steps: int = 300,
        rate: float = 0.5,
        balance: bool = True,
    ) -> LogReg:
        """Fit on rows `x` and labels `y` in {0, 1}."""
        n = x.n
        w = np.zeros(DIM, dtype=np.float64)
        b = 0.0
        if n == 0:
            return cls(w, b)
        yf = y.astype(np.float64)
        # Analysts accept most suggestions: weigh the rarer class up so that rejections
        # are learned at all.
        pos = max(float(yf.sum()), 1.0)
        neg = max(float(n - yf.sum()), 1.0)
        sw = np.where(yf > 0.5, n / (2 * pos), n / (2 * neg)) if balance else np.ones(n)
        for _ in range(steps):
            z = x.dot(w) + b
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            g = (p - yf) * sw
            w -= rate * (x.tdot(g) / n + l2 * w)
            b -= rate * float(g.mean())
        return cls(w, b)

    def proba(self, x: Rows) -> np.ndarray:
        if x.n == 0:
            return np.zeros(0)
        z = x.dot(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
