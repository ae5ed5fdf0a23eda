#!/usr/bin/env bash
# Issue 17: lager-hf's packages layered without a cycle.
#
#   hf.checkpoint    Checkpoint, SafetensorsFile, SafetensorsWriter, FileMappings
#   hf.architecture  ModelConfig (joins ConfigJson, TensorLayout, the families); reads hf.checkpoint
#   hf.template      the Jinja environment, the chat template with its tokenizer_config.json, and
#                    the prompt templates; reads no other hf package
#   hf.model         ModelDirectory, HfTokenizer, DjlOffline; reads the three above
#   hf.backend       the backend SPI; reads hf.model
#   hf, hf.run       Judge, JudgeOptions, BatchingJudge, ...; ScoringRun
#
# Idempotent: it moves what is still in the old place (git mv, package line), rewrites every fully
# qualified old name (imports, javadoc, docs, META-INF/services) in the whole tree, adds the imports
# a file in an old package now needs, drops imports of its own package and sorts the import block.
# Run it from anywhere in the repository, again after merging a branch written on the old names.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

python3 - <<'PY'
import os, re, subprocess

HF = "io.github.lager.hf"
# class (main and test) -> new subpackage of hf; every one was in hf itself before
MOVES = {
    "checkpoint": ["Checkpoint", "SafetensorsFile", "SafetensorsWriter", "FileMappings",
                   "CheckpointTest", "SafetensorsFileTest"],
    "architecture": ["ModelConfig"],
    "template": ["JinjaEnvironment", "PythonJson", "Strftime", "JinjaChatTemplate",
                 "JinjaPromptTemplate", "TokenizerConfig", "JinjaChatTemplateTest",
                 "JinjaPromptTemplateTest", "JinjaEnvironmentTest"],
    "model": ["ModelDirectory", "HfTokenizer", "DjlOffline", "ModelDirectoryTest"],
}
NEW = {c: HF + "." + sub for sub, cs in MOVES.items() for c in cs}

def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout

touched = set()  # the files this run changes; only their import blocks are sorted

# 1. move the files still in hf
for c, pkg in NEW.items():
    for root in ("lager-hf/src/main/java", "lager-hf/src/test/java"):
        old = f"{root}/io/github/lager/hf/{c}.java"
        new = f"{root}/{pkg.replace('.', '/')}/{c}.java"
        if os.path.exists(old):
            if os.path.exists(new):
                raise SystemExit(f"both {old} and {new} exist: merge them by hand")
            os.makedirs(os.path.dirname(new), exist_ok=True)
            if subprocess.run(["git", "ls-files", "--error-unmatch", old],
                              capture_output=True).returncode == 0:
                git("mv", old, new)
            else:
                os.rename(old, new)
        if os.path.exists(new):
            text = open(new).read()
            fixed = re.sub(r"^package [\w.]+;", f"package {pkg};", text, count=1, flags=re.M)
            if fixed != text:
                open(new, "w").write(fixed)
            touched.add(new)

# 2. every file of the tree: fully qualified names and source paths
files = [f for f in git("ls-files", "-co", "--exclude-standard").split("\n")
         if f and os.path.isfile(f) and "/target/" not in f and not f.startswith("tools/dev/")]
text_ext = (".java", ".md", ".xml", ".properties", ".txt", ".py", ".sh", ".json", ".yml",
            ".yaml", ".kts", ".gradle")
names = "|".join(sorted(NEW, key=len, reverse=True))
fqn = re.compile(r"\bio\.github\.lager\.hf\.(" + names + r")\b")
short = re.compile(r"(?<![\w.])hf\.(" + names + r")\b")
path = re.compile(r"\bio/github/lager/hf/(" + names + r")\.java\b")
for f in files:
    if not (f.endswith(text_ext) or "/META-INF/services/" in f):
        continue
    try:
        text = open(f).read()
    except UnicodeDecodeError:
        continue
    fixed = fqn.sub(lambda m: NEW[m.group(1)] + "." + m.group(1), text)
    fixed = path.sub(lambda m: NEW[m.group(1)].replace(".", "/") + "/" + m.group(1) + ".java",
                     fixed)
    if f.endswith(".md"):  # the docs' short form, hf.ModelDirectory
        fixed = short.sub(lambda m: NEW[m.group(1)][len("io.github.lager."):] + "." + m.group(1),
                          fixed)
    if fixed != text:
        open(f, "w").write(fixed)
        touched.add(f)
# a services file named after a moved interface
for f in files:
    base = os.path.basename(f)
    if "/META-INF/services/" in f and fqn.fullmatch(base):
        m = fqn.fullmatch(base)
        git("mv", f, os.path.join(os.path.dirname(f), NEW[m.group(1)] + "." + m.group(1)))

# 3. imports: a file that was in hf used hf's classes without an import
def code_only(src):
    """The source without comments, strings and char literals (to see which names code uses)."""
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', " ", src,
                  flags=re.S)

hf_java = [f for f in files if f.endswith(".java")]
moved_paths = {f for f in hf_java
               if os.path.basename(f)[:-5] in NEW and f.startswith("lager-hf/")}
for f in hf_java:
    if not os.path.exists(f):
        continue
    src = open(f).read()
    m = re.search(r"^package ([\w.]+);", src, flags=re.M)
    if not m:
        continue
    pkg = m.group(1)
    old_pkg = HF if f in moved_paths else pkg
    imports = set(re.findall(r"^import ([\w.]+);", src, flags=re.M))
    imported = {i.rsplit(".", 1)[1] for i in imports}
    declared = set(re.findall(r"\b(?:class|interface|record|enum)\s+(\w+)", code_only(src)))
    code = code_only(src)
    add = []
    if old_pkg == HF:
        # the classes of hf as it was: the moved ones and those still in hf
        here = {os.path.basename(p)[:-5]: HF for p in hf_java
                if re.fullmatch(r"lager-hf/src/(main|test)/java/io/github/lager/hf/\w+\.java", p)
                and os.path.exists(p)}
        here.update(NEW)
        for c, cpkg in sorted(here.items()):
            if cpkg == pkg or c in imported or c in declared or c == "package-info":
                continue
            if re.search(r"(?<![\w.])" + c + r"\b", code):
                add.append(f"import {cpkg}.{c};")
            elif re.search(r"(?<![\w.])" + c + r"\b", src):
                # only in javadoc: qualify the link instead of importing
                src = re.sub(r"(\{@link(?:plain)?\s+|@see\s+|@throws\s+)" + c + r"\b",
                             lambda mm: mm.group(1) + cpkg + "." + c, src)
    lines = src.split("\n")
    before = len(lines)
    # drop imports of the file's own package (a top-level class only)
    lines = [l for l in lines
             if not (re.fullmatch(r"import ([\w.]+)\.([A-Z]\w*);", l)
                     and re.fullmatch(r"import ([\w.]+)\.([A-Z]\w*);", l).group(1) == pkg)]
    if add:
        at = next((i for i, l in enumerate(lines)
                   if l.startswith("import ") and not l.startswith("import static")), None)
        if at is None:
            at = next(i for i, l in enumerate(lines) if l.startswith("package ")) + 1
            add = [""] + add
            if lines[at].strip():
                add.append("")
        lines[at:at] = add
    if f not in touched and not add and len(lines) == before and src == open(f).read():
        continue
    # sort each block of plain imports, as the project writes them
    out, i = [], 0
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
    if fixed != open(f).read():
        open(f, "w").write(fixed)
PY
echo "hf-layering: done (check with: git status; mvn -B -o verify)"
