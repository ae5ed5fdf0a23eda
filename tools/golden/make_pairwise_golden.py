#!/usr/bin/env python3
"""Writes lager-eval/src/test/resources/golden/pairwise.json: the expected numbers of lager's
pairwise evaluation (PairwiseEvaluation, PairwiseScore), computed with numpy only.
PairwiseGoldenTest must agree to 1e-9.

scikit-learn is not needed: the two metrics it defines are written out below, each naming the
function it reproduces:
  accuracy      sklearn.metrics.accuracy_score(y_true, y_pred) = mean(y_true == y_pred)
  Cohen's kappa sklearn.metrics.cohen_kappa_score(y1, y2) (unweighted): over the labels either
                rater used, C the confusion matrix, E = outer(C.sum(1), C.sum(0)) / C.sum(),
                W = 1 - identity; kappa = 1 - sum(W * C) / sum(W * E) (NaN when sum(W * E) = 0)

The rules of docs/method.md (Pairwise judgments), written independently of the Java code:
  - labels are values 0 (A better), 1 (tie), 2 (B better);
  - a score's outcome is the value nearest to it: < 0.5 A, > 1.5 B, else a tie;
  - with position swap, the swapped order's score s' is mapped back to 2 - s', its probabilities
    (P'(A), P'(tie), P'(B)) to (P'(B), P'(tie), P'(A)); the pairwise score is the mean of the two
    orders, the probabilities the mean of theirs; swap-consistent: both orders' outcomes agree;
  - the human majority is the label given strictly more often than any other (else none: the
    sample is left out of accuracy and kappa); accuracy without ties: the samples where neither
    the majority nor the prediction is a tie;
  - the human ceiling: each annotator's label against the majority of the sample's other
    annotators (skipped when they split), pooled over all annotators and samples.

Cases: synthetic annotator lists of 1 to 6 labels with scores in both orders (argmax-like integer
scores, continuous scores, exact halfway scores), a case without swap, per-entry logits on the
labels A, B, C valued 0, 2, 1 (so that label order and outcome differ), and the human labels of
../shared/data/mt_bench_digit.jsonl (majorities and ceiling; skipped when the file is absent).

Run from the repository root:  python3 tools/golden/make_pairwise_golden.py   (needs numpy)
"""
import collections
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
rng = np.random.default_rng(20251125)
OUTCOMES = ["A", "tie", "B"]


def accuracy(y_true, y_pred):
    """sklearn.metrics.accuracy_score; NaN for no items."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else float("nan")


def cohen_kappa(y1, y2):
    """sklearn.metrics.cohen_kappa_score(y1, y2), unweighted."""
    if len(y1) == 0:
        return float("nan")
    labels = sorted(set(y1) | set(y2))
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)))
    for a, b in zip(y1, y2):
        confusion[index[a], index[b]] += 1
    expected = np.outer(confusion.sum(axis=1), confusion.sum(axis=0)) / confusion.sum()
    w = np.ones_like(confusion) - np.eye(len(labels))
    denominator = np.sum(w * expected)
    if denominator == 0:
        return float("nan")
    return float(1 - np.sum(w * confusion) / denominator)


def outcome(score):
    return 0 if score < 0.5 else 2 if score > 1.5 else 1


def majority(labels):
    counts = collections.Counter(labels).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None
    return counts[0][0]


def ceiling(humans):
    one, others, skipped = [], [], 0
    for h in humans:
        for j in range(len(h)):
            m = majority(h[:j] + h[j + 1:])
            if m is None:
                skipped += 1
                continue
            one.append(h[j])
            others.append(m)
    return {"comparisons": len(one), "skipped": skipped, "accuracy": accuracy(one, others),
            "cohen_kappa": cohen_kappa(one, others)}


def rows(humans, scores_ab, scores_ba):
    """The report's rows: scores_ba None for a single order."""
    majorities = [majority(h) for h in humans]
    out = {}
    for name in scores_ab:
        ab = scores_ab[name]
        if scores_ba is None:
            score = list(ab)
            consistent = None
        else:
            back = [2 - s for s in scores_ba[name]]
            score = [(a + b) / 2 for a, b in zip(ab, back)]
            consistent = [outcome(a) == outcome(b) for a, b in zip(ab, back)]
        predicted = [outcome(s) for s in score]
        truth = [m for m in majorities if m is not None]
        pred = [p for p, m in zip(predicted, majorities) if m is not None]
        no_tie = [(t, p) for t, p in zip(truth, pred) if t != 1 and p != 1]
        row = {"n": len(truth), "accuracy": accuracy(truth, pred),
               "without_ties": len(no_tie),
               "accuracy_without_ties": accuracy([t for t, _ in no_tie], [p for _, p in no_tie]),
               "cohen_kappa": cohen_kappa(truth, pred),
               "predicted": [predicted.count(o) for o in range(3)],
               "outcomes": predicted}
        if consistent is not None:
            row["swap_consistency"] = float(np.mean(consistent))
        out[name] = row
    return out


def synthetic_case(name, n, swapped, min_annotators):
    humans = []
    for _ in range(n):
        truth = int(rng.integers(0, 3))
        k = int(rng.integers(min_annotators, 7))
        # annotators mostly agree with a hidden truth
        h = [truth if rng.random() < 0.7 else int(rng.integers(0, 3)) for _ in range(k)]
        humans.append(h)
    halfway = rng.choice([0.5, 1.5, 0.4999999, 1.5000001, 1.0], size=n)
    scores_ab = {
        "argmax": [float(v) for v in rng.integers(0, 3, size=n)],
        "continuous": [float(v) for v in rng.uniform(0, 2, size=n)],
        "halfway": [float(v) for v in halfway],
    }
    scores_ba = None
    if swapped:
        scores_ba = {
            "argmax": [float(v) for v in rng.integers(0, 3, size=n)],
            "continuous": [float(v) for v in rng.uniform(0, 2, size=n)],
            "halfway": [float(v) for v in rng.choice([0.5, 1.5, 1.0, 2.0, 0.0], size=n)],
        }
    majorities = [majority(h) for h in humans]
    case = {"name": name, "humans": humans, "scores_ab": scores_ab, "scores_ba": scores_ba,
            "majorities": [sum(1 for m in majorities if m == o) for o in range(3)],
            "no_majority": sum(1 for m in majorities if m is None),
            "rows": rows(humans, scores_ab, scores_ba)}
    if all(len(h) >= 2 for h in humans):
        case["human_ceiling"] = ceiling(humans)
    return case


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def logits_case():
    """Two orders of one sample, 4 entries x 3 labels (A, B, C valued 0, 2, 1)."""
    values = np.array([0.0, 2.0, 1.0])
    # float32, as lager stores logits
    z_ab = rng.normal(0, 2, size=(4, 3)).astype(np.float32).astype(np.float64)
    z_ba = rng.normal(0, 2, size=(4, 3)).astype(np.float32).astype(np.float64)

    def distributions(z):
        last = softmax(z[-1])
        agg = softmax(z[:-1].mean(axis=0))  # LAGER w/o: entries 0..L-1, uniform
        return {"direct_score": (last, float(values[np.argmax(last)])),
                "e_score": (last, float(values @ last)),
                "lager_wo": (agg, float(values @ agg))}

    def by_outcome(p):
        # P(A better) is the label valued 0 ("A"), P(tie) valued 1 ("C"), P(B better) valued 2
        return [float(p[0]), float(p[2]), float(p[1])]

    ab, ba = distributions(z_ab), distributions(z_ba)
    expected = {}
    for name in ab:
        p_ab = by_outcome(ab[name][0])
        p_ba_own = by_outcome(ba[name][0])
        p_ba = [p_ba_own[2], p_ba_own[1], p_ba_own[0]]
        score_ab, score_ba = ab[name][1], 2 - ba[name][1]
        score = (score_ab + score_ba) / 2
        expected[name] = {"p_ab": p_ab, "p_ba": p_ba,
                          "p_mean": [(a + b) / 2 for a, b in zip(p_ab, p_ba)],
                          "score_ab": score_ab, "score_ba": score_ba, "score": score,
                          "outcome": OUTCOMES[outcome(score)],
                          "swap_consistent": outcome(score_ab) == outcome(score_ba)}
    return {"labels": ["A", "B", "C"], "values": [0, 2, 1],
            "logits_ab": [[float(v) for v in row] for row in z_ab],
            "logits_ba": [[float(v) for v in row] for row in z_ba], "expected": expected}


def mt_bench_case():
    data = ROOT.parent / "shared/data/mt_bench_digit.jsonl"
    if not data.exists():
        print(f"{data} is absent: no mt_bench case")
        return None
    humans = [json.loads(line)["score"] for line in data.read_text().splitlines() if line.strip()]
    majorities = [majority(h) for h in humans]
    return {"file": "mt_bench_digit.jsonl", "samples": len(humans),
            "majorities": [sum(1 for m in majorities if m == o) for o in range(3)],
            "no_majority": sum(1 for m in majorities if m is None),
            "human_ceiling": ceiling(humans)}


def kappa_cases():
    """Cohen's kappa and accuracy on fixed lists, including the undefined case."""
    cases = []
    for a, b in [([0, 1, 2, 2, 0, 1], [0, 2, 2, 1, 0, 1]), ([0, 0, 0], [0, 0, 0]),
                 ([2, 2, 2, 2], [0, 2, 1, 2]), ([0, 2, 0, 2, 2], [2, 0, 2, 0, 0])]:
        cases.append({"a": a, "b": b, "accuracy": accuracy(a, b), "cohen_kappa": cohen_kappa(a, b)})
    return cases


def strict(x):
    """NaN (an undefined metric) as null, as lager's JSON writes it."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: strict(v) for k, v in x.items()}
    if isinstance(x, list):
        return [strict(v) for v in x]
    return x


out = ROOT / "lager-eval/src/test/resources/golden/pairwise.json"
out.write_text(json.dumps(strict({
    "generator": "tools/golden/make_pairwise_golden.py",
    "numpy": np.__version__,
    "agreement": kappa_cases(),
    "evaluation": [synthetic_case("both orders, 1 to 6 annotators", 80, True, 1),
                   synthetic_case("both orders, 2 to 6 annotators (ceiling)", 70, True, 2),
                   synthetic_case("one order, 2 to 6 annotators", 50, False, 2)],
    "logits": logits_case(),
    "mt_bench": mt_bench_case(),
}), allow_nan=False) + "\n")
print(f"wrote {out}")
