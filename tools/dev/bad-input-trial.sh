#!/usr/bin/env bash
# Second new-user trial of issue 18: each case runs one lager command on a fresh copy of the
# inputs and records the exit status, the first line of stderr, stderr's line count, whether
# a stack trace or library internals showed, and whether any pre-existing file changed.
set -u
# Needs the CLI jar (mvn -B -DskipTests -pl lager-cli -am package) and ../shared/fixtures.
mkdir -p "${TMPDIR:-/tmp}/lager-trial"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR=$ROOT/lager-cli/target/lager-cli.jar
SRC=$ROOT/lager-cli/src/main/resources/io/github/lager/cli
FX=$ROOT/../shared/fixtures
T=${TMPDIR:-/tmp}/lager-trial/w
OUT=${TMPDIR:-/tmp}/lager-trial/table.md
echo "| # | command | bad input | exit | message (first line, shortened) | stderr lines | files changed | verdict |" > $OUT
echo "|---|---|---|---|---|---|---|---|" >> $OUT
n=0
setup() {
  rm -rf $T; mkdir -p $T; cd $T
  cp $SRC/samples/tiny-llama-results.json r.json
  head -3 $SRC/judge/prompts.jsonl > p.jsonl
  mkdir -p m; cp $FX/tiny-qwen2/{config.json,generation_config.json,model.safetensors,tokenizer.json,tokenizer_config.json} m/
}
case_() { # expected-exit description -- command args...
  local want=$1 desc=$2; shift 2
  n=$((n+1))
  local before; before=$(find $T -type f ! -name '*.lock' -exec sha256sum {} + 2>/dev/null | sort)
  timeout 120 java -Djava.awt.headless=true -jar $JAR "$@" > $T/.stdout 2> $T/.stderr < /dev/null
  local rc=$?
  local after; after=$(find $T -type f ! -name '.stdout' ! -name '.stderr' ! -name '*.lock' -exec sha256sum {} + 2>/dev/null | sort)
  before=$(echo "$before" | grep -v '/\.std')
  local changed=no; [ "$before" != "$(echo "$after" | grep -v '/\.std')" ] && changed=yes
  local lines; lines=$(grep -v "^WARNING: Using incubator" $T/.stderr | grep -v '^skipped ' | grep -c .)
  local first; first=$(grep -v "^WARNING: Using incubator" $T/.stderr | head -1 | sed "s|$T/||g; s/|/\\\\|/g" | cut -c1-150)
  local verdict=ok
  grep -qE "Exception|	at |JudgeOptions|gson|https?://" $T/.stderr && verdict="DEFECT (internals)"
  [ "$rc" != "$want" ] && verdict="DEFECT (exit $rc, want $want)"
  [ "$lines" -gt 1 ] && verdict="DEFECT ($lines lines)"
  [ "$changed" = yes ] && [ "$want" != 0 ] && [ "$want" != 3 ] && verdict="DEFECT (file changed)"
  local cmd; cmd=$(echo "$1")
  echo "| $n | \`$1\` | $desc | $rc | $first | $lines | $changed | $verdict |" >> $OUT
  echo "$n $rc $verdict :: $desc :: $first"
}
setup
# --- evaluate / tune / select / calibrate: results files of the wrong shape -----------------------
python3 - <<'PY'
import json
r=json.load(open('r.json'))
# layer counts that differ between samples
a=json.loads(json.dumps(r))
for col in a[5]['df'].values(): col.pop(max(col, key=int))
json.dump(a,open('short-layers.json','w'))
# NaN human score as a string
b=json.loads(json.dumps(r)); b[1]['human_score']="NaN"; json.dump(b,open('nan-human.json','w'))
# human score a list of annotators with one null
c=json.loads(json.dumps(r)); c[2]['human_score']=[3,None]; json.dump(c,open('null-annotator.json','w'))
# top-level object instead of array
json.dump({"samples":r},open('object.json','w'))
# idx as a string
d=json.loads(json.dumps(r)); d[0]['idx']="zero"; json.dump(d,open('idx-string.json','w'))
print(sorted(r[0].keys()))
PY
printf '[{"idx": 0, "direct_score": 3' > cut.json
printf '\r\n' > crlf-empty.json
: > empty.json
case_ 1 "results cut mid-object" evaluate --data cut.json
case_ 1 "empty results file" evaluate --data empty.json
case_ 1 "results file of one CRLF" evaluate --data crlf-empty.json
case_ 1 "a JSON object, not an array" evaluate --data object.json
case_ 1 "one sample with one layer fewer (two models mixed)" evaluate --data short-layers.json
case_ 3 "human_score \"NaN\"" evaluate --data nan-human.json
case_ 3 "human_score [3, null]" evaluate --data null-annotator.json
case_ 3 "idx a string" evaluate --data idx-string.json
case_ 1 "results cut mid-object" tune --data cut.json --out w.json
case_ 1 "a JSON object, not an array" select --data object.json --top-n 2
case_ 1 "results cut mid-object" calibrate --data cut.json --out c.json --method linear
case_ 3 "human_score \"NaN\"" calibrate --data nan-human.json --out c2.json --method isotonic
# --- outputs ----------------------------------------------------------------------------------
ln -s r.json link.json
ln r.json hard.json
case_ 1 "--out a symlink to --data" tune --data r.json --out link.json
case_ 1 "--out a hard link of --data" calibrate --data r.json --out hard.json --method linear
case_ 1 "--json a hard link of --data" evaluate --data r.json --json hard.json
case_ 0 "--out in a missing directory (created)" tune --data r.json --out nodir/w.json
case_ 1 "--out an existing directory" tune --data r.json --out m
case_ 2 "--json with no value" evaluate --data r.json --json
# --- weights and calibration that do not fit ----------------------------------------------------
java -jar $JAR tune --data r.json --out w.json >/dev/null 2>&1
python3 -c "
import json; w=json.load(open('w.json'));
k=[k for k,v in w.items() if isinstance(v,list)][0]; w[k]=w[k][:-1]; json.dump(w,open('w-short.json','w'))"
echo '{"weights": "abc"}' > w-bad.json
case_ 1 "weights one layer short" evaluate --data r.json --weights w-short.json
case_ 1 "weights field of the wrong type" evaluate --data r.json --weights w-bad.json
case_ 1 "weights file is the results file" evaluate --data r.json --weights r.json
# --- options ----------------------------------------------------------------------------------
case_ 2 "--bootstrap -5" evaluate --data r.json --bootstrap -5
case_ 2 "--bootstrap 1e9 (not an int)" evaluate --data r.json --bootstrap 1e9
case_ 2 "--top-frac 0" select --data r.json --top-frac 0
case_ 2 "--top-frac NaN" select --data r.json --top-frac NaN
case_ 2 "--top-n twice" select --data r.json --top-n 2 --top-n 3
case_ 2 "--lr -1" tune --data r.json --out w3.json --lr -1
case_ 2 "an unknown option after --data FILE..." evaluate --data r.json --score lager_x
case_ 2 "--human-range 5:1" evaluate --data r.json --human-range 5:1
# --- score / judge with broken models (both backends) ---------------------------------------------
for be in djl onnx; do
  rm -rf mb; cp -r m mb; rm mb/tokenizer.json
  case_ 1 "$be: model without tokenizer.json" score --model mb --data p.jsonl --out s-$be.json --backend $be --quiet
  rm -rf mb; cp -r m mb; python3 -c "
import json; c=json.load(open('mb/config.json')); c['num_hidden_layers']='four'; json.dump(c,open('mb/config.json','w'))"
  case_ 1 "$be: num_hidden_layers a string" score --model mb --data p.jsonl --out s-$be.json --backend $be --quiet
  rm -rf mb; cp -r m mb; truncate -s 100000 mb/model.safetensors
  case_ 1 "$be: truncated model.safetensors" score --model mb --data p.jsonl --out s-$be.json --backend $be --quiet
  rm -rf mb; cp -r m mb; python3 -c "
import json; c=json.load(open('mb/config.json')); c['intermediate_size']=c['intermediate_size']*2; json.dump(c,open('mb/config.json','w'))"
  case_ 1 "$be: config intermediate_size twice the tensor's" score --model mb --data p.jsonl --out s-$be.json --backend $be --quiet
  rm -rf mb
done
printf '{"instruction": "x"' > p-cut.jsonl
case_ 1 "prompts: the only line cut" score --model m --data p-cut.jsonl --out s.json --quiet
printf '\xef\xbb\xbf' > p-bom.jsonl; cat p.jsonl >> p-bom.jsonl
case_ 0 "prompts with a byte order mark" score --model m --data p-bom.jsonl --out s-bom.json --quiet
ln -s p.jsonl plink.jsonl
case_ 1 "--out a symlink to --data" score --model m --data p.jsonl --out plink.jsonl --quiet
case_ 2 "--batch-size ''" score --model m --data p.jsonl --out s2.json --batch-size ''
case_ 2 "--max-new-tokens 99999999999" score --model m --data p.jsonl --out s2.json --max-new-tokens 99999999999
case_ 1 "--template missing file" score --model m --data p.jsonl --out s2.json --template nope.jinja
printf '{{ instruction | nosuchfilter }}' > t.jinja
case_ 1 "--template unknown filter" score --model m --data p.jsonl --out s2.json --template t.jinja --quiet
case_ 2 "--labels a,a" score --model m --data p.jsonl --out s2.json --labels a,a
echo done
