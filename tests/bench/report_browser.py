#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Reads what report_check.js measured in Chromium (from --dump-dom on stdin) and checks one
# mqtk-bench report: the charts the kind of page must have, each drawn at a real size with its
# lines inside the chart, axes with labelled ticks that do not overlap, titles and legends.
# usage: report_browser.py KIND [LEGEND_TEXT...] < dumped.html
#        KIND: run, conn, merged or compare
import html
import json
import re
import sys

kind = sys.argv[1]
wanted_legend = sys.argv[2:]
dom = sys.stdin.read()
m = re.search(r'<pre id="checked">(.*?)</pre>', dom, re.S)
assert m, "the checker did not run: no #checked in the DOM"
page = json.loads(html.unescape(m.group(1)))

charts = {
    "run": ["throughput", "latency-over-time", "percentile-spectrum", "losses"],
    "merged": ["throughput", "latency-over-time", "percentile-spectrum", "losses"],
    "conn": ["throughput", "percentile-spectrum"],
    "compare": ["throughput", "latency-over-time", "percentile-spectrum"],
}[kind]
assert sorted(page["charts"]) == sorted(charts), (kind, sorted(page["charts"]))

for name, c in page["charts"].items():
    where = f"{kind}/{name}"
    assert c["width"] >= 300 and c["height"] >= 150, (where, c["width"], c["height"])
    assert all(t for t in c["titles"]), (where, "a title is missing", c["titles"])
    for axis in ("xticks", "yticks"):
        ticks = c[axis]
        assert len(ticks) >= 3, (where, axis, ticks)
        assert all(t["len"] > 0 and t["text"] for t in ticks), (where, axis, ticks)
    xs = sorted(c["xticks"], key=lambda t: t["x"])
    for a, b in zip(xs, xs[1:]):
        assert a["x"] + a["w"] <= b["x"] + 0.5, (where, "x tick labels overlap", a, b)
    drawn = [s for s in c["series"] if s["points"] > 1]
    assert drawn, (where, "no line drawn", c["series"])
    for s in drawn:
        assert s["w"] > 0, (where, "a line of no width", s)
        assert 0 <= s["x"] and s["x"] + s["w"] <= c["width"] + 0.5, (where, "outside", s)
        assert 0 <= s["y"] and s["y"] + s["h"] <= c["height"] + 0.5, (where, "outside", s)
    assert len(c["legend"]) == len(c["series"]), (where, c["legend"], c["series"])

spectrum = [t["text"] for t in page["charts"]["percentile-spectrum"]["xticks"]]
assert spectrum[:3] == ["0%", "90%", "99%"], spectrum
legend = " ".join(" ".join(c["legend"]) for c in page["charts"].values())
for text in wanted_legend:
    assert text in legend, (text, legend)

if kind == "compare":
    header = page["rows"][0]
    assert header[1:4] == ["A", "B", "B ÷ A"], header
    names = [r[0] for r in page["rows"][1:]]
    assert "received/s" in names and "p99 latency" in names, names
    assert all(re.fullmatch(r"[0-9.]+x|-", r[3]) for r in page["rows"][1:]), page["rows"]
else:
    s = page["summary"]
    assert "target" in s and "count" in s and "window" in s, s
    for fact in ("target", "mode", "started", "host", "measured by"):
        assert fact in page["facts"], (fact, page["facts"])
print(f"{kind}: {len(page['charts'])} charts checked")
