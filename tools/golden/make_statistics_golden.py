#!/usr/bin/env python3
"""Writes lager-eval/src/test/resources/golden/statistics.json: the expected numbers of lager's
statistics (bootstrap intervals, paired comparisons, the human ceiling, answerability
precision/recall/F1, calibration maps, cross-validated calibration errors, selection by mean
z-score), computed with numpy and scipy only. StatisticsGoldenTest must agree to 1e-9.

scikit-learn is not needed: where lager follows a scikit-learn definition, the formula below is
that function's, written out in numpy/scipy, and the comment names the function it reproduces.
Random draws (bootstrap resample indices, cross-validation folds) are made here and written into
the golden, so that lager computes on exactly the same resamples and folds (lager's own draws use
java.util.SplittableRandom and are not numpy's stream).

Run from the repository root:  python3 tools/golden/make_statistics_golden.py
Needs numpy and scipy; the output is checked in, so the tests do not.
"""
import json
import pathlib
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.optimize import isotonic_regression

rng = np.random.default_rng(20251124)
METRICS = {
    "pearson": lambda x, y: stats.pearsonr(x, y)[0],
    "spearman": lambda x, y: stats.spearmanr(x, y)[0],
    "kendall_tau": lambda x, y: stats.kendalltau(x, y)[0],  # tau-b, scipy's default
}


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def corr(metric, x, y):
    """scipy's correlation; NaN (scipy warns) when an input is constant."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(METRICS[metric](x, y))


def percentile_interval(values, level):
    """The percentile interval of scipy.stats.bootstrap(method='percentile'): np.percentile
    (linear interpolation, 'R-7') at (1-level)/2 and (1+level)/2 of the defined resamples.
    Resamples where the statistic is undefined (NaN: a constant resample) are left out and
    counted."""
    v = np.asarray(values, dtype=float)
    defined = v[~np.isnan(v)]
    low, high = np.percentile(defined, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(low), float(high), int(np.isnan(v).sum())


def ceiling(annotators, metric):
    """Each annotator against the mean of the others, averaged over annotators."""
    a = np.asarray(annotators, dtype=float)
    per = []
    for j in range(a.shape[1]):
        others = np.delete(a, j, axis=1).mean(axis=1)
        per.append(corr(metric, a[:, j], others))
    return per, float(np.mean(per))


def bootstrap_case(name, n, resamples, level, noise):
    annotators = rng.integers(1, 6, size=(n, 3))
    human = annotators.mean(axis=1)
    scores = {
        "a": np.clip(human + rng.normal(0, noise, n), 1, 5),
        "b": np.clip(human + rng.normal(0, noise * 1.6, n), 1, 5),
        "direct": np.clip(np.rint(human + rng.normal(0, noise, n)), 1, 5),
    }
    indices = rng.integers(0, n, size=(resamples, n))
    expected = {}
    for key, pred in scores.items():
        expected[key] = {}
        for m in METRICS:
            per = [corr(m, pred[i], human[i]) for i in indices]
            low, high, undefined = percentile_interval(per, level)
            expected[key][m] = {"estimate": corr(m, pred, human), "low": low, "high": high,
                                "undefined": undefined}
    compare = {}
    for m in METRICS:
        d = np.array([corr(m, scores["a"][i], human[i]) - corr(m, scores["b"][i], human[i])
                      for i in indices])
        low, high, undefined = percentile_interval(d, level)
        defined = d[~np.isnan(d)]
        # One-sided p of "a agrees better than b": (1 + #{d_b <= 0}) / (B + 1) over the defined
        # resamples (Davison & Hinkley 1997, eq. 4.11; never 0).
        p = (1 + np.sum(defined <= 0)) / (len(defined) + 1)
        # A difference within rounding of 0 (both correlations +-1 on a tiny resample) falls on
        # either side of "<= 0" depending on the order of floating-point operations: p is then
        # not comparable across implementations and is left out (null).
        comparable = not np.any(np.abs(defined) < 1e-12)
        compare[m] = {"estimate": corr(m, scores["a"], human) - corr(m, scores["b"], human),
                      "low": low, "high": high, "undefined": undefined,
                      "p_one_sided": float(p) if comparable else None}
    ceil = {}
    for m in METRICS:
        per, mean = ceiling(annotators, m)
        boot = [ceiling(annotators[i], m)[1] for i in indices]
        low, high, undefined = percentile_interval(boot, level)
        ceil[m] = {"per_annotator": per, "estimate": mean, "low": low, "high": high,
                   "undefined": undefined}
    return {"name": name, "level": level, "human": floats(human),
            "annotators": annotators.tolist(),
            "scores": {k: floats(v) for k, v in scores.items()},
            "indices": indices.tolist(), "expected": expected,
            "compare": {"a": "a", "b": "b", "expected": compare}, "ceiling": ceil}


def prf_unanswerable(unanswerable, predicted):
    """sklearn.metrics.precision_recall_fscore_support(y_true, y_pred, average='binary',
    pos_label=True) for the class 'unanswerable', zero_division='warn' (0.0):
    precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN), 0 where the denominator
    is 0."""
    t = np.asarray(unanswerable, bool)
    p = np.asarray(predicted, bool)
    tp, fp = int(np.sum(t & p)), int(np.sum(~t & p))
    fn, tn = int(np.sum(t & ~p)), int(np.sum(~t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall,
            "f1": f1}


def answerability_case(name, scores, answerable, frac):
    s = np.asarray(scores, dtype=float)
    threshold = s.min() + frac * (s.max() - s.min())
    predicted = s <= threshold  # predicted unanswerable
    out = {"name": name, "scores": floats(s), "answerable": [bool(a) for a in answerable],
           "frac": frac, "threshold": float(threshold)}
    out.update(prf_unanswerable(~np.asarray(answerable, bool), predicted))
    return out


def linear_fit(x, y):
    """sklearn.linear_model.LinearRegression(positive=True).fit(x[:, None], y): with one feature
    and an intercept, the least-squares slope cov(x, y)/var(x) clipped at 0 (nnls on centred
    data), intercept mean(y) - slope * mean(x)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    xc, yc = x - x.mean(), y - y.mean()
    slope = max(0.0, float(np.sum(xc * yc) / np.sum(xc * xc)))
    return float(y.mean() - slope * x.mean()), slope


def isotonic_fit(x, y):
    """sklearn.isotonic.IsotonicRegression(increasing=True, out_of_bounds='clip').fit(x, y):
    sort by x (then y), pool equal x into their mean y weighted by count (_make_unique), PAVA
    (scipy.optimize.isotonic_regression with those weights). Returns the knots; predict is
    np.interp(np.clip(t, x_min, x_max), knots_x, knots_y)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    order = np.lexsort((y, x))
    x, y = x[order], y[order]
    ux, inverse = np.unique(x, return_inverse=True)
    w = np.bincount(inverse).astype(float)
    uy = np.bincount(inverse, weights=y) / w
    fitted = isotonic_regression(uy, weights=w, increasing=True).x
    return ux, fitted


def isotonic_predict(knots, t):
    ux, fitted = knots
    return np.interp(np.clip(np.asarray(t, float), ux[0], ux[-1]), ux, fitted)


def mae(pred, y):
    """sklearn.metrics.mean_absolute_error."""
    return float(np.mean(np.abs(np.asarray(pred) - np.asarray(y))))


def rmse(pred, y):
    """sklearn.metrics.root_mean_squared_error (sqrt of mean_squared_error)."""
    return float(np.sqrt(np.mean((np.asarray(pred) - np.asarray(y)) ** 2)))


def calibration_cases():
    cases = []
    n = 70
    human = rng.integers(1, 6, size=(n, 3)).mean(axis=1)
    squeezed = 3.2 + 0.25 * (human - human.mean()) / human.std() + rng.normal(0, 0.15, n)
    ties = np.round(squeezed, 1)  # many equal x: pooled by isotonic regression
    probe = np.array([1.0, 2.9, 3.0, 3.05, 3.2, 3.31, 3.5, 3.9, 5.0])
    for name, x in [("squeezed continuous", squeezed), ("rounded, ties in x", ties)]:
        intercept, slope = linear_fit(x, human)
        knots = isotonic_fit(x, human)
        cases.append({"name": name, "x": floats(x), "y": floats(human), "probe": floats(probe),
                      "linear": {"intercept": intercept, "slope": slope,
                                 "probe": floats(intercept + slope * probe)},
                      "isotonic": {"knots_x": floats(knots[0]), "knots_y": floats(knots[1]),
                                   "probe": floats(isotonic_predict(knots, probe))}})
    # A score that ranks against the humans: the positive-slope fit is flat at mean(y).
    x = 5 - human + rng.normal(0, 0.3, n)
    intercept, slope = linear_fit(x, human)
    knots = isotonic_fit(x, human)
    cases.append({"name": "anti-correlated", "x": floats(x), "y": floats(human),
                  "probe": floats(probe),
                  "linear": {"intercept": intercept, "slope": slope,
                             "probe": floats(intercept + slope * probe)},
                  "isotonic": {"knots_x": floats(knots[0]), "knots_y": floats(knots[1]),
                               "probe": floats(isotonic_predict(knots, probe))}})
    return cases


def folds_like_kfold(n, k):
    """sklearn.model_selection.KFold(n_splits=k, shuffle=True): a permutation cut into k
    consecutive folds, the first n % k of size n // k + 1. Returns each sample's fold."""
    perm = rng.permutation(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    fold_of = np.empty(n, dtype=int)
    start = 0
    for f, size in enumerate(sizes):
        fold_of[perm[start:start + size]] = f
        start += size
    return fold_of


def cross_validation_case(name, n, k):
    human = rng.integers(1, 6, size=(n, 3)).mean(axis=1)
    x = 3.2 + 0.25 * (human - human.mean()) / human.std() + rng.normal(0, 0.2, n)
    fold_of = folds_like_kfold(n, k)
    out = {"name": name, "x": floats(x), "y": floats(human), "k": k,
           "fold_of": fold_of.tolist(),
           "before": {"mae": mae(x, human), "rmse": rmse(x, human),
                      "pearson": corr("pearson", x, human), "spearman": corr("spearman", x, human)}}
    for method in ["linear", "isotonic"]:
        pred = np.empty(n)
        for f in range(k):
            test, train = fold_of == f, fold_of != f
            if method == "linear":
                intercept, slope = linear_fit(x[train], human[train])
                pred[test] = intercept + slope * x[test]
            else:
                pred[test] = isotonic_predict(isotonic_fit(x[train], human[train]), x[test])
        out[method] = {"predictions": floats(pred), "mae": mae(pred, human),
                       "rmse": rmse(pred, human), "pearson": corr("pearson", pred, human),
                       "spearman": corr("spearman", pred, human)}
    return out


def selection_case(name, n, frac):
    idx = rng.permutation(np.arange(1000, 1000 + 3 * n))[:n]
    human = rng.integers(1, 6, size=(n, 3)).mean(axis=1)
    aspects = [np.clip(human + rng.normal(0, s, n), 1, 5) for s in (0.6, 1.0)]
    # Mean over aspects of scipy.stats.zscore (ddof=0).
    combined = np.mean([stats.zscore(a) for a in aspects], axis=0)
    count = int(np.ceil(frac * n))
    order = np.lexsort((idx, -combined))  # best first, ties by smaller idx
    selected = order[:count]
    return {"name": name, "idx": idx.tolist(), "human": floats(human),
            "aspects": [floats(a) for a in aspects], "frac": frac,
            "combined": floats(combined), "count": count,
            "selected_idx": idx[selected].tolist(),
            "mean_human_selected": float(human[selected].mean()),
            "mean_human_all": float(human.mean())}


bootstrap = [bootstrap_case("n 60, 400 resamples", 60, 400, 0.95, 0.9),
             bootstrap_case("n 6, some resamples constant", 6, 300, 0.9, 0.7)]

answer_scores = np.round(rng.uniform(1, 5, 40), 2)
answerable = rng.uniform(size=40) < 0.35 + 0.15 * answer_scores
answerability = [
    answerability_case("continuous scores", answer_scores, answerable, 0.5),
    answerability_case("integer scores, ties at the threshold", np.rint(answer_scores), answerable,
                       0.25),
    answerability_case("threshold below every score but the minimum", answer_scores, answerable,
                       0.0),
]

out = pathlib.Path(__file__).resolve().parents[2] / \
    "lager-eval/src/test/resources/golden/statistics.json"
out.write_text(json.dumps({
    "generator": "tools/golden/make_statistics_golden.py",
    "numpy": np.__version__, "scipy": scipy.__version__,
    "bootstrap": bootstrap,
    "answerability": answerability,
    "calibration": calibration_cases(),
    "cross_validation": [cross_validation_case("n 97, 5 folds", 97, 5)],
    "selection": [selection_case("two aspects, top 20%", 50, 0.2)],
}) + "\n")
print(f"wrote {out}")
