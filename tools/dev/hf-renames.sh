#!/usr/bin/env bash
# Issue 17: names that say what they hold.
#
#   core.pipeline.PromptEncoder          -> core.pipeline.ChatTokenizer
#       (a model's chat template and tokenizer: prompt -> chat text -> token ids)
#   core.pipeline.SampleEncoder          -> core.pipeline.PromptBuilder
#   core.pipeline.SampleEncoder.Encoded  -> core.pipeline.PromptBuilder.Prompts
#       (builds a sample's prompts, one per order, from a prompt template and a ChatTokenizer)
#   hf.JudgePrompts                      -> hf.JudgePromptBuilder
#       (a judge's PromptBuilder without a backend: model directory, label set bound to its
#       tokens, prompt template; what `lager render` prints)
#
# Idempotent: it renames the files still under the old names (git mv) and every old name in
# the tree's .java and .md files. Run it after tools/dev/hf-layering.sh, again after merging a
# branch written on the old names.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

python3 - <<'PY'
import os, re, subprocess

RENAMES = [  # (directory, old, new)
    ("lager-core/src/main/java/io/github/lager/core/pipeline", "PromptEncoder", "ChatTokenizer"),
    ("lager-core/src/main/java/io/github/lager/core/pipeline", "SampleEncoder", "PromptBuilder"),
    ("lager-hf/src/main/java/io/github/lager/hf", "JudgePrompts", "JudgePromptBuilder"),
]

def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout

for d, old, new in RENAMES:
    if os.path.exists(f"{d}/{old}.java"):
        if os.path.exists(f"{d}/{new}.java"):
            raise SystemExit(f"both {d}/{old}.java and {d}/{new}.java exist: merge them by hand")
        git("mv", f"{d}/{old}.java", f"{d}/{new}.java")

# the nested record inside PromptBuilder itself
builder = "lager-core/src/main/java/io/github/lager/core/pipeline/PromptBuilder.java"
if os.path.exists(builder):
    text = open(builder).read()
    fixed = re.sub(r"\bEncoded\b", "Prompts", text)
    if fixed != text:
        open(builder, "w").write(fixed)

files = [f for f in git("ls-files", "-co", "--exclude-standard").split("\n")
         if f.endswith((".java", ".md")) and os.path.isfile(f) and "/target/" not in f
         and not f.startswith("tools/dev/")]
for f in files:
    text = open(f).read()
    fixed = re.sub(r"\b(SampleEncoder|PromptBuilder)\.Encoded\b", "PromptBuilder.Prompts", text)
    for _, old, new in RENAMES:
        fixed = re.sub(r"\b" + old + r"\b", new, fixed)
    if re.search(r"^import [\w.]+\.PromptBuilder\.Prompts;", fixed, flags=re.M):
        fixed = re.sub(r"\bEncoded\b", "Prompts", fixed)
    if fixed != text and f.endswith(".java"):
        # keep the import block sorted
        lines, out, i = fixed.split("\n"), [], 0
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
        fixed = "\n".join(out)
    if fixed != text:
        open(f, "w").write(fixed)
PY
echo "hf-renames: done (check with: git status; mvn -B -o verify)"
