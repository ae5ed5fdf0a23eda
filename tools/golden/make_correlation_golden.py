#!/usr/bin/env python3
"""Writes lager-core/src/test/resources/golden/correlations.json: scipy's Pearson, Spearman and
Kendall tau-b on inputs with ties, for CorrelationTest (which must agree to 1e-9).

Run from the repository root:  python3 tools/golden/make_correlation_golden.py
Needs numpy and scipy; the output is checked in, so the tests do not.
"""
import json
import pathlib

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20251123)
cases = []


def add(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    cases.append({
        "name": name,
        "x": x,
        "y": y,
        "pearson": float(stats.pearsonr(x, y)[0]),
        "spearman": float(stats.spearmanr(x, y)[0]),
        "kendall_tau_b": float(stats.kendalltau(x, y)[0]),  # variant 'b' is scipy's default
    })


add("small with ties", [1, 2, 2, 3, 5, 5, 5, 4], [2, 1, 3, 3, 5, 4, 4, 1])
add("negative", [1, 2, 3, 4, 5, 6], [6.5, 5, 5, 3, 2.25, 1])
add("two samples", [0.3, 0.9], [1, 3])
# Human scores as means of three annotators (ties everywhere) against E-scores.
human = rng.integers(1, 6, size=(300, 3)).mean(axis=1)
pred = np.clip(human + rng.normal(0, 1.2, size=300), 1, 5)
add("annotator means vs continuous", pred, human)
# Integer predictions (direct scores) against integer human scores: heavy ties on both sides.
add("integers vs integers", rng.integers(1, 6, size=500), rng.integers(1, 6, size=500))
add("large n", rng.normal(size=2000), rng.normal(size=2000) + 0.1 * np.arange(2000) / 2000)

out = pathlib.Path(__file__).resolve().parents[2] / "lager-core/src/test/resources/golden/correlations.json"
out.write_text(json.dumps({"generator": "tools/golden/make_correlation_golden.py",
                           "scipy": scipy.__version__, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {out}")
