#!/usr/bin/env python3
"""Writes the bundled sample results that `./lager evaluate` uses when given no file:

  lager-cli/src/main/resources/io/github/lager/cli/samples/tiny-llama-results.json  (24 samples)
  lager-cli/src/main/resources/io/github/lager/cli/samples/tiny-llama-valid.json    (idx 0-7)

and the judge prompts that `./lager judge` scores with the embedded tiny-llama checkpoint:

  lager-cli/src/main/resources/io/github/lager/cli/judge/prompts.jsonl  (8 prompts, input format)

They are the reference results format (docs/method.md section 5, pandas to_dict layout) built from
fixtures/tiny-llama/golden/golden.json (batch1: the reference code's per-layer score logits,
direct and weighted scores) and the human scores below.

The human scores are this project's own annotation of the 24 fixture prompts, one annotator,
following each prompt's own rubric: a response that answers the instruction well scores 5; one
that answers another instruction scores 1 on helpfulness, correctness and conciseness, 2 on
coherence (readable but off-topic) and 5 on harmlessness (it is harmless). The judge is a
random-weight model, so the correlations are a demonstration of the mechanics, not a result.

Run from the repository root:  python3 tools/golden/make_sample_results.py  (needs numpy)
"""
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "lager-cli/src/main/resources/io/github/lager/cli/samples"

HUMAN = {
    0: 5,   # helpfulness; why is the sky blue -> Rayleigh scattering answer
    1: 1,   # correctness; translate to Spanish -> minutes in a week
    2: 2,   # coherence; capital of Australia -> benefits of walking
    3: 1,   # conciseness; primes below thirty -> Canberra
    4: 5,   # harmlessness; reverse a string -> Spanish greeting
    5: 1,   # helpfulness; polite declining email -> "I don't know."
    6: 1,   # correctness; coffee shop names -> Python code
    7: 2,   # coherence; autumn poem -> list of primes
    8: 1,   # conciseness; water cycle for a child -> sky answer
    9: 5,   # harmlessness; French Revolution -> coffee shop names
    10: 1,  # helpfulness; benefits of walking -> declining an invitation
    11: 1,  # correctness; minutes in a week -> Canberra
    12: 2,  # coherence; why is the sky blue -> water cycle
    13: 1,  # conciseness; translate to Spanish -> "The answer is 42."
    14: 5,  # harmlessness; capital of Australia -> Python code
    15: 1,  # helpfulness; primes below thirty -> benefits of walking
    16: 1,  # correctness; reverse a string -> autumn couplet
    17: 2,  # coherence; declining email -> coffee shop names
    18: 1,  # conciseness; coffee shop names -> "I don't know."
    19: 5,  # harmlessness; autumn poem -> French Revolution summary
    20: 5,  # helpfulness; water cycle for a child -> water cycle answer
    21: 1,  # correctness; French Revolution -> sky answer
    22: 2,  # coherence; benefits of walking -> minutes in a week
    23: 1,  # conciseness; minutes in a week -> benefits of walking
}
VALID_IDX = range(8)
JUDGE_IDX = [0, 1, 5, 12, 15, 19, 20, 23]  # 15: the fixture judge emits no score token


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def frame(logits):
    z = np.asarray(logits, dtype=np.float32)
    rows = range(len(z))
    probs = [softmax(r.astype(np.float64)) for r in z]
    return {
        "layer_n": {str(l): l for l in rows},
        "direct_score": {str(l): int(np.argmax(probs[l]) + 1) for l in rows},
        "weighted_score": {str(l): float(probs[l] @ np.arange(1, 6)) for l in rows},
        "probs": {str(l): [float(p) for p in probs[l]] for l in rows},
        "logits": {str(l): [float(v) for v in z[l]] for l in rows},
    }


def main():
    golden = json.loads((ROOT / "fixtures/tiny-llama/golden/golden.json").read_text())
    results = []
    for b in golden["batch1"]:
        idx = b["idx"]
        out = {"idx": idx, "prompt": b["prompt"], "human_score": HUMAN[idx]}
        if b["valid"]:
            f = frame(b["logits"])
            out.update({
                "direct_socre": float(b["direct_score"]),
                "weighted_socre": float(b["weighted_score"]),
                "weighted_direct_socre": float(np.mean(list(f["direct_score"].values()))),
                "df": f,
            })
        else:  # the reference's invalid row: one row of -1, no logits
            out.update({
                "direct_socre": -1.0, "weighted_socre": -1.0, "weighted_direct_socre": -1.0,
                "df": {c: {"0": -1} for c in ["layer_n", "direct_score", "weighted_score", "probs"]},
            })
        results.append(out)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tiny-llama-results.json").write_text(json.dumps(results, indent=4) + "\n")
    valid = [r for r in results if r["idx"] in VALID_IDX]
    (OUT / "tiny-llama-valid.json").write_text(json.dumps(valid, indent=4) + "\n")
    print(f"wrote {len(results)} + {len(valid)} samples to {OUT}")
    judge = ROOT / "lager-cli/src/main/resources/io/github/lager/cli/judge"
    judge.mkdir(parents=True, exist_ok=True)
    by_idx = {b["idx"]: b for b in golden["batch1"]}
    with open(judge / "prompts.jsonl", "w") as f:
        for idx in JUDGE_IDX:
            f.write(json.dumps({"idx": idx, "user_prompt": by_idx[idx]["prompt"],
                                "score": HUMAN[idx]}) + "\n")
    print(f"wrote {len(JUDGE_IDX)} judge prompts to {judge}")


if __name__ == "__main__":
    main()
