#!/usr/bin/env bash
## cad-report on small real runs built here: a tiny dataset, a few SFT steps of a very small
## model, greedy generations scored by cad-eval; an "oracle" row whose code is the ground truth's
## for some ids, another id's for some and broken for others (real cad-eval records with a spread
## of IoUs); a row still training and a row whose folder does not exist. Then the page in
## headless Chromium. Tools not in BIN are taken from $CAD_TOOLS_BIN when set (e.g. a build
## with LibTorch next to one without).
set -eu
BIN=$1
SRC=$(pwd)
missing() {
  echo "$1"
  [ "${CI:-}" = true ] && exit 1
  exit 77
}
tool() {
  for d in "$BIN" ${CAD_TOOLS_BIN:-}; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return; }
  done
  echo "$BIN/$1"
}
REPORT=$BIN/cad-report
[ -x "$REPORT" ] || missing "$REPORT is not built"
TOOLS=$(mktemp -d)
for t in cad-sft cad-generate cad-dataset-build cad-eval cad-render; do
  p=$(tool $t)
  [ -x "$p" ] || missing "$p is not built"
  ln -s "$(readlink -f "$p")" "$TOOLS/$t"
done
command -v gnuplot > /dev/null || missing "gnuplot is not installed (make -f Makefile.wrapper deps)"
command -v python3 > /dev/null || missing "python3 is not installed"
ART=$(cd "$BIN/.." && pwd)/test-artifacts/cad_report
mkdir -p "$ART"
T=$(mktemp -d)
trap 'rm -rf "$T" "$TOOLS"' EXIT
cd "$T"


## Show that --help says what the page holds and that usage errors exit 2 with one clear line.
"$REPORT" --help > help.txt
for word in --config --gt --gallery-per-rule --gallery-rows --tools --gnuplot rows tables \
  published cmecad recad-text recad-image missing; do
  grep -q -- "$word" help.txt || { echo "cad-report --help lacks $word"; exit 1; }
done
set +e
"$REPORT" -o out 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "no rows" err.txt || { echo "no rows: rc $rc"; cat err.txt; exit 1; }
"$REPORT" somewhere 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q -- "-o DIR is required" err.txt || { echo "no -o: rc $rc"; cat err.txt; exit 1; }
printf 'rows:\n  - {label: a, run: r}\n  - {label: b, rnu: r}\n' > bad.yaml
"$REPORT" --config bad.yaml -o out 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "bad.yaml:3: unknown key 'rnu' in a row" err.txt ||
  { echo "bad row: rc $rc"; cat err.txt; exit 1; }
printf 'rows: [r]\ntables:\n  - {layout: cmecad, published: [{label: X, values: {iuo: 1}}]}\n' > bad.yaml
"$REPORT" --config bad.yaml -o out 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "bad.yaml:3: 'iuo' is not a column of this table" err.txt ||
  { echo "bad column: rc $rc"; cat err.txt; exit 1; }
set -e

## Build a tiny dataset: three families, small drawings, and a few SFT steps of a very small model.
cat > recipe.yaml <<'EOF'
name: report-cli
seed: 5
families: {wedge: 6, hex_spacer: 6, bushing: 6}
experts: [views]
outputs: {solids: false, renders: false, meshes: false, drawing_size: 128}
splits: {val: 0.15, test: 0.4}
EOF
"$TOOLS/cad-dataset-build" -c recipe.yaml -o data -j 2 -q 2> build.log || { cat build.log; exit 1; }
ntest=$(wc -l < data/test.jsonl)
[ "$ntest" -ge 5 ] || { echo "want at least 5 test records, got $ntest"; exit 1; }
"$TOOLS/cad-sft" tokenizer --data data -o tok.json --vocab-size 300 2> tok.log
cat > model.yaml <<'EOF'
name: report-cli
d_model: 32
n_layers: 1
n_heads: 2
n_kv_heads: 1
context: 2048
vision: true
image_size: 32
patch_size: 8
vision_d_model: 32
vision_layers: 1
vision_heads: 2
EOF
"$TOOLS/cad-sft" train --model model.yaml --data data --tokenizer tok.json --tasks drawing \
  --experts views --steps 6 --batch-size 2 --lr 3e-3 --warmup 2 --eval-every 3 \
  --val-examples 2 --log-every 1 --threads 2 --out-dir runs/sft -q > /dev/null 2> sft.log ||
  { cat sft.log; exit 1; }
"$TOOLS/cad-generate" --model runs/sft/final -i data/test.jsonl --task drawing --expert views \
  --max-new-tokens 24 --threads 2 -q > runs/sft/generations.jsonl 2> gen.log || { cat gen.log; exit 1; }
"$TOOLS/cad-eval" --gt data/test.jsonl -i runs/sft/generations.jsonl -j 2 -q \
  --summary runs/sft/eval_summary.json > runs/sft/eval.jsonl 2> eval.log || { cat eval.log; exit 1; }

## The oracle row: id 0 mod 4 the ground truth's code, 1 mod 4 the next id's code (a wrong part),
## 2 mod 4 code that fails, 3 mod 4 no prediction; RL-style metrics lines for its curves.
mkdir -p runs/oracle/final
touch runs/oracle/final/model.safetensors
python3 - <<'EOF'
import json
recs = [json.loads(l) for l in open("data/test.jsonl")]
with open("runs/oracle/generations.jsonl", "w") as out:
    for i, r in enumerate(recs):
        code = {0: r["code"], 1: recs[(i + 1) % len(recs)]["code"],
                2: "import cadquery as cq\nresult = cq.Workplane('XY').box(1, 1, undefined_size)\n"}.get(i % 4)
        if code is not None:
            out.write(json.dumps({"id": r["id"], "sample": 0, "task": "drawing", "expert": "views",
                                  "status": "ok", "code": code, "cot": ""}) + "\n")
with open("runs/oracle/metrics.jsonl", "w") as out:
    for step in range(1, 9):
        out.write(json.dumps({"step": step, "loss": 1.0 / step, "reward_mean": step - 5.0,
                              "reward_iou": step / 10.0, "exec_rate": step / 8.0,
                              "iou_mean": step / 10.0}) + "\n")
        if step % 4 == 0:
            out.write(json.dumps({"step": step, "val_exec": step / 8.0, "val_iou": step / 12.0,
                                  "val_reward": step / 2.0, "val_records": 4}) + "\n")
EOF
"$TOOLS/cad-eval" --gt data/test.jsonl -i runs/oracle/generations.jsonl -j 2 -q \
  --summary runs/oracle/eval_summary.json > runs/oracle/eval.jsonl 2> eval.log || { cat eval.log; exit 1; }

## A run still training (metrics, no final/, no evaluation) and a run that does not exist.
mkdir -p runs/training
head -n 3 runs/sft/metrics.jsonl > runs/training/metrics.jsonl

cat > experiment.yaml <<EOF
title: "cad-report CLI test"
description: a tiny SFT run, an oracle, a run still training, a run that does not exist
gt: data/test.jsonl
decoding: greedy
gallery-per-rule: 1
rows:
  - {label: tiny SFT, run: runs/sft}
  - {label: oracle, run: runs/oracle}
  - {label: training, run: runs/training}
  - {label: absent, run: runs/absent}
tables:
  - {title: "Main (cad-eval layout)", layout: cad-eval}
  - {title: "Best of k", layout: cmecad, samples: best}
  - $SRC/configs/reports/cmecad.yaml
EOF
"$REPORT" --config experiment.yaml -o report --tools "$TOOLS" -j 2 2> report.log ||
  { cat report.log; exit 1; }
[ -s report/report.html ] && [ -s report/report.md ] || { ls -R report; exit 1; }
grep -q "row 'absent' is missing: run folder runs/absent does not exist" report.log ||
  { cat report.log; exit 1; }

## Show that the tables' figures equal cad-eval's summaries, that the rows still training and
## absent are there as missing with their reasons, that the published figures stand beside ours,
## and that the per-family figures equal cad-eval --summarize-only of each family's records.
for fam in wedge hex_spacer bushing; do
  python3 - "$fam" <<'EOF'
import json, sys
fam = sys.argv[1]
ids = {json.loads(l)["id"] for l in open("data/test.jsonl") if json.loads(l)["family"] == fam}
with open(f"oracle-{fam}.jsonl", "w") as out:
    for l in open("runs/oracle/eval.jsonl"):
        if json.loads(l)["id"] in ids:
            out.write(l)
EOF
  if [ -s "oracle-$fam.jsonl" ]; then
    "$TOOLS/cad-eval" --summarize-only -i "oracle-$fam.jsonl" --summary "oracle-$fam.json" -q 2> /dev/null
  fi
done
python3 - <<'EOF'
import json, re
md = open("report/report.md").read()
def table(title):
    sec = md.split("## " + title + "\n", 1)[1].split("\n## ", 1)[0]
    rows = [l for l in sec.splitlines() if l.startswith("| ")]
    head = [c.strip() for c in rows[0].strip("|").split("|")]
    return head, {tuple(c.strip() for c in r.strip("|").split("|"))[0]: [c.strip() for c in r.strip("|").split("|")] for r in rows[2:]}
def fmt(v, scale, digits):
    return "-" if v is None else "%.*f" % (digits, v * scale)
def expect(s, part):
    f = s[part] if part in s else s["first_sample"]
    return {"ids": str(s["ids"]), "IR %": fmt(s["invalidity_ratio"], 100, 2),
            "exec %": fmt(s["exec_rate"], 100, 2), "mean CD": fmt(f["mean_cd"], 1, 3),
            "median CD": fmt(f["median_cd"], 1, 3), "IoU %": fmt(f["mean_iou"], 100, 2),
            "IoU_best %": fmt(f["mean_iou_best"], 100, 2), "F1": fmt(f["mean_f1"], 1, 3)}
checked = 0
for title, part in (("Main (cad-eval layout)", "first_sample"), ("Best of k", "best_of_k"),
                    ("CME-CAD, main results on CADExpert", "first_sample")):
    head, rows = table(title)
    for label, run in (("tiny SFT", "sft"), ("oracle", "oracle")):
        want = expect(json.load(open(f"runs/{run}/eval_summary.json")), part)
        for i, h in enumerate(head[1:-1], 1):
            assert rows[label][i] == want[h], (title, label, h, rows[label][i], want[h])
            checked += 1
    for label in ("training", "absent"):
        assert all(c == "missing" for c in rows[label][1:-1]), (title, rows[label])
    assert "still training: step 3, no final/ yet" in rows["training"][-1], rows["training"]
    assert "run folder runs/absent does not exist" in rows["absent"][-1], rows["absent"]
head, rows = table("CME-CAD, main results on CADExpert")
assert rows["CME-CAD"][1:5] == ["80.71", "1.00", "0.11", "98.25"], rows["CME-CAD"]
assert "arXiv 2512.23333" in rows["CME-CAD"][-1]
oracle = json.load(open("runs/oracle/eval_summary.json"))
assert 0 < oracle["first_sample"]["mean_iou"] <= 1 and oracle["by_status"].get("exec_failed"), oracle
# Per family: the report's row for the oracle equals cad-eval --summarize-only of the family.
sec = md.split("## By family\n", 1)[1].split("\n## ", 1)[0]
fam_rows = [[c.strip() for c in l.strip("|").split("|")] for l in sec.splitlines()[2:] if l.startswith("| ")]
import os
for fam in ("wedge", "hex_spacer", "bushing"):
    if not os.path.exists(f"oracle-{fam}.json"):
        continue
    want = expect(json.load(open(f"oracle-{fam}.json")), "first_sample")
    row = [r for r in fam_rows if r[0] == fam and r[1] == "oracle"]
    assert len(row) == 1, (fam, fam_rows)
    for i, h in enumerate(["ids", "IR %", "exec %", "mean CD", "median CD", "IoU %", "IoU_best %"], 2):
        assert row[0][i] == want[h], (fam, h, row[0][i], want[h])
        checked += 1
assert any(r[1] == "absent" and "missing" in r[-1] for r in fam_rows), fam_rows
rows_sec = md.split("## Rows\n", 1)[1].split("\n## ", 1)[0]
assert "| absent | runs/absent | - | missing: run folder runs/absent does not exist |" in rows_sec, rows_sec
assert re.search(r"\| training \| runs/training \| still training: step 3, no final/ yet \| missing: no evaluation yet", rows_sec), rows_sec
print("figures checked:", checked)
EOF

## Show that the gallery shows the ids the stated rule picks (computed here again from
## eval.jsonl) and that its pictures are those ids' pictures: the dataset's drawing, and
## cad-render's iso render of the prediction's and the ground truth's code, byte for byte.
python3 - <<'EOF'
import base64, html, json, re
page = open("report/report.html").read()
gt = {json.loads(l)["id"]: json.loads(l) for l in open("data/test.jsonl")}
def picks(run, k=1):
    seen, firsts = set(), []
    for l in open(f"runs/{run}/eval.jsonl"):
        r = json.loads(l)
        if r["status"] != "no_ground_truth" and r["id"] not in seen:
            seen.add(r["id"]); firsts.append(r)
    scored = sorted([r for r in firsts if r["status"] == "ok" and isinstance(r.get("iou"), (int, float))],
                    key=lambda r: (-r["iou"], r["id"]))
    failed = [r for r in firsts if not isinstance(r.get("iou"), (int, float))]
    n, out, shown = len(scored), [], set()
    def take(rule, r):
        if r["id"] not in shown: shown.add(r["id"]); out.append((rule, r["id"]))
    k2 = min(k, n)
    for r in scored[:k2]: take("best", r)
    m = (n - k2) // 2 if n > k2 else 0
    for r in scored[m:m + k2]: take("median", r)
    for r in scored[n - k2:]: take("worst", r)
    for r in failed[:k]: take("failure", r)
    return out
galleries = page.split('<h2 id="gallery">', 1)[1].split('<h2 id="failures">', 1)[0]
blocks = re.split(r"<h3>([^<]*)</h3>\n<div class=\"gallery\">", galleries)[1:]
got = {html.unescape(blocks[i]): blocks[i + 1] for i in range(0, len(blocks), 2)}
assert set(got) == {"tiny SFT", "oracle"}, list(got)
render_in = open("render_in.jsonl", "w")
expected_pictures = []
for label, run in (("tiny SFT", "sft"), ("oracle", "oracle")):
    entries = re.findall(r'<div class="entry" data-rule="([a-z]+)" data-id="([^"]+)">(.*?)\n</div>\n(?=<div class="entry"|</div>)', got[label], re.S)
    want = picks(run)
    assert [(r, html.unescape(i)) for r, i, _ in entries] == want, (label, [(r, i) for r, i, _ in entries], want)
    gens = {json.loads(l)["id"]: json.loads(l) for l in open(f"runs/{run}/generations.jsonl")}
    for rule, i, body in entries:
        i = html.unescape(i)
        imgs = dict(re.findall(r'<img data-kind="([a-z-]+)" data-id="' + re.escape(i) + r'" alt="[^"]*" src="data:image/png;base64,([^"]+)">', body))
        drawing = open("data/" + gt[i]["drawing"]["png"], "rb").read()
        assert base64.b64decode(imgs["input"]) == drawing, (label, i, "input")
        assert "ground-truth" in imgs, (label, i, body[:500])
        render_in.write(json.dumps({"id": f"gt-{i}", "code": gt[i]["code"]}) + "\n")
        expected_pictures.append((f"gt-{i}", imgs["ground-truth"]))
        if rule != "failure":
            assert "prediction" in imgs, (label, i)
            render_in.write(json.dumps({"id": f"{run}-{i}", "code": gens[i]["code"]}) + "\n")
            expected_pictures.append((f"{run}-{i}", imgs["prediction"]))
        else:
            assert 'data-kind="prediction"' in body and "nopic" in body, (label, i)
render_in.close()
json.dump(expected_pictures, open("expected_pictures.json", "w"))
print("gallery entries checked:", len(expected_pictures))
EOF
"$TOOLS/cad-render" --jsonl render_in.jsonl --out-dir own_renders --views iso --render-size 256 \
  --no-svg --no-png -q > /dev/null
python3 - <<'EOF'
import base64, json
for name, data in json.load(open("expected_pictures.json")):
    own = open(f"own_renders/{name}_render.png", "rb").read()
    assert base64.b64decode(data) == own, name
EOF

## Show that the charts are gnuplot's SVG: learning curves of both kinds of run and the histogram.
python3 - <<'EOF'
import base64, re
page = open("report/report.html").read()
charts = re.findall(r'<img class="chart" data-kind="chart" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)">', page)
titles = [t for t, _ in charts]
for want in ("training loss", "validation loss", "reward", "reward components", "execution rate", "IoU",
             "IoU of the first sample of each id"):
    assert want in titles, (want, titles)
for t, data in charts:
    svg = base64.b64decode(data).decode()
    assert "<svg" in svg and "gnuplot" in svg.lower(), t
assert "no curves: run folder runs/absent does not exist" in page
assert "chart '" not in page, "a chart is missing"
EOF
grep -q "exec_failed / runtime_error" report/report.md || { cat report/report.md; exit 1; }
grep -q "no_prediction" report/report.md || { cat report/report.md; exit 1; }

## Show that a chart gnuplot cannot draw is named as missing, not a crash.
"$REPORT" runs/oracle --gt data/test.jsonl -o nognuplot --gnuplot /nonexistent/gnuplot \
  --gallery-per-rule 0 --tools "$TOOLS" -q 2> nognuplot.log || { cat nognuplot.log; exit 1; }
grep -q "chart 'training loss' missing: /nonexistent/gnuplot" nognuplot/report.md ||
  { cat nognuplot/report.md; exit 1; }

cp report/report.md "$ART/report.md"
cp report/report.html "$ART/report.html"

## Show in headless Chromium that the page loads with no console errors and that every image
## and chart has a non-zero size; a copy with a broken picture must fail the same check. The
## check script is added to a copy of the page (report.html itself has no script).
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || missing "chromium is not installed (make -f Makefile.wrapper deps)"
check_page() {  # check_page PAGE OUT: 0 when the page passes
  python3 - "$1" "$T/checked.html" <<'EOF'
import sys
page = open(sys.argv[1]).read()
probe = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push('error: ' + (e.message || (e.target && (e.target.tagName + ' ' + (e.target.alt || ''))) || '?'));
}, true);
var __consoleError = console.error;
console.error = function () { window.__errors.push('console.error: ' + Array.from(arguments).join(' ')); __consoleError.apply(console, arguments); };
window.addEventListener('load', function () {
  var bad = [], n = 0;
  document.querySelectorAll('img').forEach(function (img) {
    n++;
    var box = img.getBoundingClientRect();
    if (!img.complete || img.naturalWidth === 0 || box.width === 0 || box.height === 0)
      bad.push((img.alt || img.src.slice(0, 40)) + ' ' + img.naturalWidth + 'x' + img.naturalHeight + ' box ' + box.width + 'x' + box.height);
  });
  var out = document.createElement('pre');
  out.id = 'report-check';
  out.textContent = 'CHECK ' + JSON.stringify({images: n, bad: bad, errors: window.__errors});
  document.body.appendChild(out);
});
</script>"""
open(sys.argv[2], "w").write(page.replace("<head>", "<head>\n" + probe, 1))
EOF
  timeout 120 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run \
    --user-data-dir="$T/chromium-profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=10000 --dump-dom "file://$T/checked.html" > "$2.dom" 2> "$2.log" || true
  python3 - "$2" <<'EOF'
import html, json, re, sys
dom = open(sys.argv[1] + ".dom").read()
log = open(sys.argv[1] + ".log", errors="replace").read()
m = re.search(r"CHECK (\{.*?\})</pre>", dom, re.S)
if not m:
    print("the check did not run; chromium said:\n" + log[-3000:]); sys.exit(1)
r = json.loads(html.unescape(m.group(1)))
console = [l for l in log.splitlines() if "CONSOLE" in l and ("error" in l.lower() or "Uncaught" in l)]
print("images:", r["images"], "bad:", r["bad"], "errors:", r["errors"], "console:", console)
sys.exit(0 if r["images"] > 0 and not r["bad"] and not r["errors"] and not console else 1)
EOF
}
check_page report/report.html page || { echo "report.html failed the browser check"; exit 1; }
sed 's|src="data:image/png;base64,[A-Za-z0-9+/]\{8\}|src="data:image/png;base64,AAAAAAAA|' \
  report/report.html > broken.html
if check_page broken.html broken; then
  echo "a page with broken pictures passed the browser check"; exit 1
fi
sed 's|</body>|<script>no_such_function();</script></body>|' report/report.html > script_error.html
if check_page script_error.html script_error; then
  echo "a page with a script error passed the browser check"; exit 1
fi
timeout 120 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run \
  --user-data-dir="$T/chromium-profile" --hide-scrollbars --window-size=1280,2600 \
  --screenshot="$ART/report.png" "file://$T/report/report.html" > /dev/null 2>&1 || true
[ -s "$ART/report.png" ] || { echo "no screenshot"; exit 1; }
echo "screenshot: $ART/report.png"
echo "ok"
