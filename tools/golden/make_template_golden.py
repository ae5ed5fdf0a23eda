#!/usr/bin/env python3
"""Writes lager-hf/src/test/resources/golden/prompt_templates.json: prompt templates rendered by
Python's jinja2 configured as lager configures jinjava for them (JinjaPromptTemplate), for
JinjaPromptTemplateTest, which must match byte for byte:

  ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                                extensions=[loopcontrols]) with transformers' tojson filter and
  raise_exception (the chat-template environment, made strict: an undefined variable is an error)

A template sees the sample's fields (every top-level field of its JSON line but "score", a null
field left out) and "judge": {"labels", "lowest", "highest", "reasoning"} plus, on a pairwise label
set (values 0 = A better, 1 = tie, 2 = B better), "label_a", "label_tie", "label_b".

Cases: the four built-in templates (read from lager-hf's resources) in both conditions on two
label sets each; user templates with loops, filters, whitespace control, conditions, nested
fields, numbers and unicode; templates that use a missing field (jinja2's UndefinedError, the
variable is recorded); pairwise samples with their responses swapped (every X_a/X_b field pair
exchanged); and prompts through the tiny-qwen2 fixture's chat template (the final text `lager
render` prints).

Run from the repository root:  python3 tools/golden/make_template_golden.py   (needs jinja2)
"""
import json
import pathlib

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILT_IN = ROOT / "lager-hf/src/main/resources/io/github/lager/hf/templates"


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                    undefined=jinja2.StrictUndefined, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception


def label_set(labels, values):
    return {"labels": labels, "values": values}


def judge(labels, values, reasoning):
    by_value = dict(zip(values, labels))
    j = {"labels": labels, "lowest": by_value[min(values)], "highest": by_value[max(values)],
         "reasoning": reasoning}
    if sorted(values) == [0, 1, 2] and len(values) == 3:
        j.update(label_a=by_value[0], label_tie=by_value[1], label_b=by_value[2])
    return j


def context(fields, labels, reasoning):
    ctx = {k: v for k, v in fields.items() if k != "score" and v is not None}
    ctx["judge"] = judge(labels["labels"], labels["values"], reasoning)
    return ctx


def swapped(fields):
    """Every pair X_a / X_b exchanges its values; the order of the fields is kept."""
    out = {}
    for k, v in fields.items():
        partner = k[:-2] + "_b" if k.endswith("_a") else k[:-2] + "_a" if k.endswith("_b") else None
        out[k] = fields[partner] if partner in fields else v
    return out


ONE_TO_FIVE = label_set(["1", "2", "3", "4", "5"], [1, 2, 3, 4, 5])
LETTERS = label_set(["E", "D", "C", "B", "A"], [1, 2, 3, 4, 5])
ZERO_ONE_TWO = label_set(["0", "1", "2"], [0, 1, 2])
MT_BENCH = label_set(["A", "B", "C"], [0, 2, 1])
ONE_TO_NINE = label_set([str(k) for k in range(1, 10)], list(range(1, 10)))
ZERO_TO_FOUR = label_set(["0", "1", "2", "3", "4"], [0, 1, 2, 3, 4])

RUBRIC = ("[Is the response factually correct?]\n- Score 1: Mostly wrong.\n- Score 3: Partly"
          " right.\n- Score 5: Entirely correct and well supported.")
SAMPLES = {
    "absolute": [
        {"instruction": "Explain why the sky is blue.",
         "response": "Air molecules scatter short (blue) wavelengths more than long ones.",
         "rubric": RUBRIC, "score": 5},
        {"idx": 7, "instruction": "Translate \"good morning\" into Spanish.",
         "response": "  Buenos días  ", "rubric": RUBRIC, "reference": "Buenos días.",
         "note": None, "score": [4, 5, 4]},
    ],
    "pairwise": [
        {"instruction": "Name a prime number greater than 10.", "response_a": "11",
         "response_b": "12 is prime.", "model_a": "m-one", "model_b": "m-two", "score": [0, 0, 1]},
        {"instruction": "Summarise: \"The cat sat on the mat.\"", "response_a": "A cat sat.",
         "response_b": "The cat was sitting on a mat — café ✓", "reference": "A cat sat on a mat.",
         "rubric": "Prefer the faithful, concise summary.", "score": 2},
    ],
    "emotion": [
        {"dialogue": "Mia: I got the job!\nSam: ...I applied there too. They never called me.",
         "character": "Sam", "emotion": "envy", "score": 7},
        {"dialogue": "Ana: You forgot my birthday again.\nLeo: I'm so sorry, I—\nAna: Don't.",
         "character": "Ana", "emotion": "hurt", "score": [8, 9]},
    ],
    "answerability": [
        {"instruction": "What is the capital of Australia?", "score": 5},
        {"instruction": "What will the closing price of the S&P 500 be on 3 March 2031?",
         "answerable": False, "score": 1},
    ],
}
LABEL_SETS = {
    "absolute": [ONE_TO_FIVE, LETTERS],
    "pairwise": [ZERO_ONE_TWO, MT_BENCH],
    "emotion": [ONE_TO_NINE, ZERO_TO_FOUR],
    "answerability": [ONE_TO_FIVE, ZERO_TO_FOUR],
}

USER_TEMPLATES = {
    "criteria loop": (
        "Judge the answer to: {{ question | trim }}\n"
        "{% for c in criteria %}\n"
        "  {{ loop.index }}. {{ c | trim }}{% if not loop.last %};{% endif %}\n"
        "{% endfor %}\n"
        "Answer: {{ answer }}\n"
        "{%- if meta is defined %}\n\n(source: {{ meta.source }}, {{ meta['year'] }}){% endif %}\n"
        "Reply with {{ judge.labels | join(' or ') }}.\n",
        [{"question": "  What is 2+2?  ", "criteria": ["correct ", " brief"],
          "answer": "4", "meta": {"source": "quiz", "year": 2024}, "score": 1},
         {"question": "Why?", "criteria": ["honest"], "answer": "Because.", "score": 0}],
        [label_set(["0", "1"], [0, 1])]),
    "whitespace and numbers": (
        "{#- a comment -#}\n"
        "Points: {{ points }} ({{ points + 1 }} with the bonus), weight {{ weight }}.\n"
        "   {%- if strict %} Strict.{% endif %}\n"
        "{{ text | replace('\\n', ' ') | upper }} / {{ text | length }} characters\n"
        "{% if judge.reasoning %}Think first; {% endif %}Label: one of "
        "{{ judge.labels | join(', ') }} (low {{ judge.lowest }}, high {{ judge.highest }})\n\n",
        [{"points": 3, "weight": 0.25, "strict": True, "text": "two\nlines", "score": 2},
         {"points": -10, "weight": 1.5, "strict": False, "text": "naïve “quotes” & <tags>",
          "score": 5}],
        [ONE_TO_FIVE, LETTERS]),
    "pairwise with tojson": (
        "Which is better?\n[A] {{ response_a }}\n[B] {{ response_b }}\n"
        "Context: {{ context | tojson }}\n"
        "Say {{ judge.label_a }}, {{ judge.label_tie }} or {{ judge.label_b }}.",
        [{"response_a": "x = 1", "response_b": "x = 2", "context": {"lang": "python", "n": 2},
          "score": 0}],
        [MT_BENCH]),
}
MISSING = [
    ("absolute", {"instruction": "Q", "response": "R", "score": 3}, "rubric"),
    ("pairwise", {"instruction": "Q", "response_a": "A", "score": 1}, "response_b"),
    ("criteria loop", {"question": "Q", "answer": "A", "score": 1}, "criteria"),
]


def render(source, fields, labels, reasoning):
    return env.from_string(source).render(**context(fields, labels, reasoning))


cases = []
templates = {name: (BUILT_IN / f"{name}.jinja").read_text() for name in SAMPLES}
for name, samples in SAMPLES.items():
    for labels in LABEL_SETS[name]:
        for reasoning in (False, True):
            for fields in samples:
                case = {"template_name": name, "built_in": True, "template": templates[name],
                        "fields": fields, "labels": labels, "reasoning": reasoning,
                        "rendered": render(templates[name], fields, labels, reasoning)}
                if name == "pairwise":
                    case["swapped_fields"] = swapped(fields)
                    case["swapped_rendered"] = render(templates[name], swapped(fields), labels,
                                                      reasoning)
                cases.append(case)
for name, (source, samples, label_sets) in USER_TEMPLATES.items():
    for labels in label_sets:
        for reasoning in (False, True):
            for fields in samples:
                case = {"template_name": name, "built_in": False, "template": source,
                        "fields": fields, "labels": labels, "reasoning": reasoning,
                        "rendered": render(source, fields, labels, reasoning)}
                if "response_a" in fields:
                    case["swapped_fields"] = swapped(fields)
                    case["swapped_rendered"] = render(source, swapped(fields), labels, reasoning)
                cases.append(case)

errors = []
for name, fields, missing in MISSING:
    source = templates[name] if name in templates else USER_TEMPLATES[name][0]
    labels = ZERO_ONE_TWO if name == "pairwise" else ONE_TO_FIVE
    try:
        render(source, fields, labels, False)
        raise SystemExit(f"{name}: expected an undefined-variable error")
    except jinja2.exceptions.UndefinedError as e:
        assert f"'{missing}' is undefined" in str(e), str(e)
    errors.append({"template_name": name, "built_in": name in templates, "template": source,
                   "fields": fields, "labels": labels, "missing": missing})

# the final prompt: the tiny-qwen2 fixture's chat template around the template's text
chat_source = json.loads((ROOT / "fixtures/tiny-qwen2/tokenizer_config.json").read_text())[
    "chat_template"]
chat_env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                         extensions=[loopcontrols])
chat_env.filters["tojson"] = tojson
chat_env.globals["raise_exception"] = raise_exception
chat = []
for name, fields, labels in [("absolute", SAMPLES["absolute"][1], ONE_TO_FIVE),
                             ("pairwise", SAMPLES["pairwise"][0], MT_BENCH)]:
    for order, f in (("ab", fields), ("ba", swapped(fields))):
        if name == "absolute" and order == "ba":
            continue
        prompt = render(templates[name], f, labels, False)
        final = chat_env.from_string(chat_source).render(
            messages=[{"role": "user", "content": prompt}], add_generation_prompt=True)
        chat.append({"model": "tiny-qwen2", "template_name": name, "fields": fields,
                     "labels": labels, "order": order, "final": final})

out = ROOT / "lager-hf/src/test/resources/golden/prompt_templates.json"
out.write_text(json.dumps({"generator": "tools/golden/make_template_golden.py",
                           "jinja2": jinja2.__version__, "cases": cases, "errors": errors,
                           "chat": chat}, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {out}: {len(cases)} renders, {len(errors)} errors, {len(chat)} chat prompts")
