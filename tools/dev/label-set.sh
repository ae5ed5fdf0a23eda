#!/usr/bin/env bash
# Issue 17: names that say what they hold -- the label set.
#
# core.math.ScoreScale was at once parsed syntax, token binding and expectation math, and the
# one concept was called "scale", "labels", "label set" and "points". It is now three classes:
#
#   core.math.LabelSet        the labels, their values and the math on them (was ScoreScale)
#   core.math.LabelSetSyntax  the --labels/--values text parsed into a LabelSet
#                             (ScoreScale.parse / ofNumbers -> LabelSetSyntax.parse / ofNumbers)
#   core.math.LabelTokens     a LabelSet bound to a tokenizer's token ids
#                             (ScoreScale.ofTokenIds -> LabelTokens.oneToK,
#                              s.withTokenIds(ids) -> LabelTokens.of(s, ids); a LabelSet has no
#                              token ids, so withoutTokenIds() is dropped)
#
# What this script renames, in every tracked or new .java and .md file (not under target/ or
# tools/dev/), outside Java string literals (messages stay byte-identical):
#   - the type ScoreScale -> LabelSet, and the static factories above;
#   - ModelDirectory.scoreScale(..) -> labelTokens(..);
#   - accessors: x.scale() -> x.labelSet(), or x.labelTokens() where it holds token ids (the
#     receiver is a GenerationOptions or GoldenFixture, the value is passed to new
#     GenerationOptions, or .tokenIds()/.indexOfToken follows);
#     ScoredSample.labels() -> requireLabelSet(), JudgeOptions.labels() -> labelSet() and
#     JudgeOptions.Builder.labels(LabelSet) -> labelSet(..) where the receiver's type is declared
#     in the file (or the argument is a LabelSet expression);
#   - LabelSet.points() -> size() (on values of a declared LabelSet/LabelTokens type and on the
#     accessors above; ScoreHead, LayerLogits and the eval reports keep their points());
#   - variables, fields, parameters and record components named scale, scoreScale or labels that
#     hold a LabelSet (declared so in the file, and no other way) -> labelSet, with their @param
#     and {@code} mentions; one that holds a LabelTokens -> labelTokens.
# JSON field names, on-disk formats and CLI option names are not touched.
#
# Idempotent and safe to re-run: a second run over its own output changes nothing. Run it after
# tools/dev/hf-layering.sh and tools/dev/hf-renames.sh, and again after merging a branch written
# on the old names; then build (mvn -B -o -q test-compile) and fix by hand what a compile error
# still names: a receiver whose type the file does not declare (a lambda parameter,
# list.get(0).labels()), a name already taken in the file (it is left as it was), or a value that
# must now be a LabelTokens. Not done here, by hand once: the bodies of LabelSet, LabelSetSyntax,
# LabelTokens, GenerationOptions, ModelDirectory.labelTokens, Judge/JudgePromptBuilder
# labelTokens()/labelSet(), JudgeOptions and LagerEvaluator.Builder labelSet(..),
# WeightsProvenance.labelSet, and the split of ScoreScaleTest into LabelSetTest,
# LabelSetSyntaxTest and LabelTokensTest.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

python3 - <<'PY'
import os, re, subprocess

def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout

MATH = "lager-core/src/main/java/io/github/lager/core/math"
MATH_TEST = "lager-core/src/test/java/io/github/lager/core/math"
for old, new in [(f"{MATH}/ScoreScale.java", f"{MATH}/LabelSet.java"),
                 (f"{MATH_TEST}/ScoreScaleTest.java", f"{MATH_TEST}/LabelSetTest.java")]:
    if os.path.exists(old):
        if os.path.exists(new):
            raise SystemExit(f"both {old} and {new} exist: merge them by hand")
        git("mv", old, new)

# Java text split into code and the parts a rename must not touch.
TOKEN = re.compile(r'"""(?:\\.|[^\\])*?"""|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
                   r'|//[^\n]*|/\*.*?\*/', re.S)

def split(text):
    """[(kind, text)] with kind 'code', 'string' or 'comment'."""
    out, pos = [], 0
    for m in TOKEN.finditer(text):
        out.append(("code", text[pos:m.start()]))
        t = m.group(0)
        out.append(("comment" if t.startswith("/") else "string", t))
        pos = m.end()
    out.append(("code", text[pos:]))
    return out

def on_code(text, fn, comments=None):
    parts = []
    for kind, t in split(text):
        if kind == "code":
            t = fn(t)
        elif kind == "comment" and comments:
            t = comments(t)
        parts.append(t)
    return "".join(parts)

LS = r"(?:ScoreScale|LabelSet)"
LS_TYPES = r"(?:ScoreScale|LabelSet|LabelTokens|Optional<(?:ScoreScale|LabelSet)>)"

def declared(code, types):
    """Names declared in the file with one of the types (fields, locals, parameters, records)."""
    return set(re.findall(r"(?<![\w.])(?:final\s+)?" + types + r"\s+(\w+)\s*(?=[=;,):])", code))

KEYWORDS = {"return", "new", "throw", "else", "case", "yield", "assert", "instanceof"}

def types_of(code, name):
    """Every type a name is declared with in the file (a crude scan)."""
    generic = r"(?:<[\w.?]+(?:\s*,\s*[\w.?]+)*>)?"
    return set(re.findall(r"([\w.]+" + generic + r"(?:\[\])?)\s+" + re.escape(name)
                          + r"\s*(?=[=;,):])", code)) - KEYWORDS

def java(text):
    # the class and its factories (code and comments)
    def names(t):
        t = re.sub(r"\bScoreScale\.parse\(", "LabelSetSyntax.parse(", t)
        t = re.sub(r"\bScoreScale\.ofNumbers\(", "LabelSetSyntax.ofNumbers(", t)
        t = re.sub(r"\bScoreScale\.ofTokenIds\(", "LabelTokens.oneToK(", t)
        t = re.sub(r"\bScoreScale#points\b", "LabelSet#size", t)
        t = re.sub(r"\bScoreScale#parse\b", "LabelSetSyntax#parse", t)
        t = re.sub(r"\bScoreScale\b", "LabelSet", t)
        return t
    text = on_code(text, names, names)
    code = "".join(t for k, t in split(text) if k == "code")

    def calls(t):
        t = re.sub(r"\.scoreScale\(", ".labelTokens(", t)
        t = re.sub(r"\b(\w+)\.withTokenIds\(", r"LabelTokens.of(\1, ", t)
        t = re.sub(r"^[ \t]*(\w+) = \1\.withoutTokenIds\(\);[ \t]*\n", "", t, flags=re.M)
        t = re.sub(r"^[ \t]*(\w+) = \1\.map\(LabelSet::withoutTokenIds\);[ \t]*\n", "", t,
                   flags=re.M)
        t = re.sub(r"\.withoutTokenIds\(\)", "", t)
        # .scale(): token ids where the receiver holds them
        tok_recv = declared(code, r"(?:GenerationOptions|GoldenFixture)")
        for n in tok_recv:
            t = re.sub(r"(?<![\w.])" + n + r"\.scale\(\)", n + ".labelTokens()", t)
        t = re.sub(r"\.scale\(\)(?=\.(?:tokenIds\(|indexOfToken\())", ".labelTokens()", t)
        t = re.sub(r"(new GenerationOptions\([^,()]*(?:\([^()]*\))?[^,()]*,"
                   r"\s*[\w.]+(?:\([^()]*\))?)\.scale\(\)", r"\1.labelTokens()", t)
        t = re.sub(r"\.scale\(\)", ".labelSet()", t)
        t = re.sub(r"\b(LabelSet|Optional<LabelSet>)\s+scale\(\)", r"\1 labelSet()", t)
        # labels() of a ScoredSample / JudgeOptions
        t = re.sub(r"\bScoredSample::labels\b", "ScoredSample::requireLabelSet", t)
        for n in declared(code, r"ScoredSample"):
            if types_of(code, n) <= {"ScoredSample"}:
                t = re.sub(r"(?<![\w.])" + n + r"\.labels\(\)", n + ".requireLabelSet()", t)
        for n in declared(code, r"JudgeOptions"):
            if types_of(code, n) <= {"JudgeOptions"}:
                t = re.sub(r"(?<![\w.])" + n + r"\.labels\(\)", n + ".labelSet()", t)
        t = re.sub(r"\.labels\((?=(?:LabelSet|LabelSetSyntax)\.)", ".labelSet(", t)
        # the builder's labels(x) where x is a LabelSet variable or a method returning one
        sets = {n for n in declared(code, r"LabelSet") if types_of(code, n) <= {"LabelSet"}}
        for n in sets:
            t = re.sub(r"\.labels\(" + n + r"\)", ".labelSet(" + n + ")", t)
        for n in set(re.findall(r"\bLabelSet\s+(\w+)\(", code)):
            t = re.sub(r"\.labels\((?=" + n + r"\()", ".labelSet(", t)
        # points() -> size() on label sets
        t = re.sub(r"\.(labelSet|labelTokens|requireLabelSet)\(([^()]*)\)\.points\(\)",
                   r".\1(\2).size()", t)
        t = re.sub(r"(LabelSet\.of\([^()]*\))\.points\(\)", r"\1.size()", t)
        for n in declared(code, LS_TYPES):
            if types_of(code, n) <= {"ScoreScale", "LabelSet", "LabelTokens",
                                     "Optional<ScoreScale>", "Optional<LabelSet>"}:
                t = re.sub(r"(?<![\w.])" + n + r"(\.get\(\)|\.orElseThrow\(\))?\.points\(\)",
                           lambda m: n + (m.group(1) or "") + ".size()", t)
        return t
    # (over the whole text: the fixture's name is a string literal)
    text = re.sub(r"(GoldenFixture\.load\([^()]*\))\.(?:scale|labelSet)\(\)", r"\1.labelTokens()",
                  text)
    text = on_code(text, calls)
    code = "".join(t for k, t in split(text) if k == "code")

    # a label set made with token ids is a LabelTokens
    text = on_code(text, lambda t: re.sub(
        r"\bLabelSet(\s+\w+\s*=\s*(?:LabelTokens\.|[\w.]+\.labelTokens\())", r"LabelTokens\1", t))
    code = "".join(t for k, t in split(text) if k == "code")

    # variables named scale / scoreScale that hold a label set (or a LabelTokens)
    for old in ("scale", "scoreScale", "labels", "labelSet"):
        held = types_of(code, old)
        if held and held <= {"LabelTokens"}:
            new = "labelTokens"
        elif old != "labelSet" and held and held <= {"LabelSet", "Optional<LabelSet>"}:
            new = "labelSet"
        else:
            continue
        if types_of(code, new):  # the new name is taken in this file: leave it to a person
            continue
        ident = re.compile(r"(?<![\w.])" + old + r"\b(?!\s*\()")
        # this.scale, other.scale; for "labels" (also a String field of option classes) only this.
        this = re.compile((r"(?<=\bthis)" if old == "labels" else r"(?<=\w)") + r"\." + old
                          + r"\b(?!\s*\()")
        text = on_code(
            text, lambda t: ident.sub(new, this.sub("." + new, t)),
            lambda c: re.sub(r"(@param|\{@code|\{@link #)(\s*)" + old + r"\b", r"\1\2" + new, c))
    # the null checks name the renamed variable
    text = re.sub(r"requireNonNull\((labelSet|labelTokens), \"(?:scale|labels)\"\)",
                  r'requireNonNull(\1, "\1")', text)
    return text

def sort_imports(text):
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        if lines[i].startswith("import ") and not lines[i].startswith("import static"):
            j = i
            while (j < len(lines) and lines[j].startswith("import ")
                   and not lines[j].startswith("import static")):
                j += 1
            out += sorted(set(lines[i:j]), key=lambda l: l.rstrip(";"))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)

def add_imports(text, path):
    pkg = re.search(r"^package ([\w.]+);", text, flags=re.M)
    code = "".join(t for k, t in split(text) if k == "code")
    for cls in ("LabelSet", "LabelSetSyntax", "LabelTokens"):
        imp = f"import io.github.lager.core.math.{cls};"
        used = re.search(r"(?<![\w.])" + cls + r"\b", code.replace(imp, ""))
        if pkg and pkg.group(1) == "io.github.lager.core.math":
            continue
        if used and imp not in text:
            m = re.search(r"^import [\w.]+;\n", text, flags=re.M)
            if m:
                text = text[:m.start()] + imp + "\n" + text[m.start():]
            elif pkg:
                text = text[:pkg.end()] + "\n\n" + imp + text[pkg.end():]
        elif not used and imp in text:
            text = text.replace(imp + "\n", "")
    return sort_imports(text)

def markdown(text):
    text = re.sub(r"\bScoreScale\.parse\(", "LabelSetSyntax.parse(", text)
    text = re.sub(r"\bScoreScale\.ofNumbers\(", "LabelSetSyntax.ofNumbers(", text)
    text = re.sub(r"\bScoreScale\.ofTokenIds\(", "LabelTokens.oneToK(", text)
    text = re.sub(r"\.labels\((?=(?:ScoreScale|LabelSet|LabelSetSyntax)\.)", ".labelSet(", text)
    text = re.sub(r"`labels\(ScoreScale\)`", "`labelSet(LabelSet)`", text)
    text = re.sub(r"\bScoreScale\b", "LabelSet", text)
    return text

files = [f for f in git("ls-files", "-co", "--exclude-standard").split("\n")
         if f.endswith((".java", ".md")) and os.path.isfile(f) and "/target/" not in f
         and not f.startswith("tools/dev/")]
for f in files:
    text = open(f).read()
    if f.endswith(".java"):
        if not re.search(r"\bScoreScale\b|\.scale\(\)|\.scoreScale\(|\.withTokenIds\(|"
                         r"\.withoutTokenIds\(|\bLabelSet\b|\bLabelTokens\b|\.labelSet\(\)", text):
            continue
        fixed = add_imports(java(text), f)
    else:
        fixed = markdown(text)
    if fixed != text:
        open(f, "w").write(fixed)
PY
echo "label-set: done (check with: git status; mvn -B -o verify)"
