// SPDX-License-Identifier: MIT
// Injected into a copy of an mqtk-bench report by report_browser.sh: after Chromium has laid the
// page out, measure what it drew (each chart's size, its lines' boxes, tick labels and whether
// they overlap) and write it into the page as JSON, which --dump-dom then prints.
(function () {
  const charts = {};
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    const texts = (cls) =>
      [...svg.querySelectorAll("text." + cls)].map((t) => {
        const b = t.getBBox();
        return { text: t.textContent, x: b.x, w: b.width, len: t.getComputedTextLength() };
      });
    charts[svg.id] = {
      width: box.width,
      height: box.height,
      series: [...svg.querySelectorAll("polyline.series")].map((p) => {
        const b = p.getBBox();
        return { name: p.dataset.name, points: p.points.numberOfItems,
                 x: b.x, y: b.y, w: b.width, h: b.height };
      }),
      xticks: texts("x-tick"),
      yticks: texts("y-tick"),
      titles: ["chart-title", "x-title", "y-title"].map((c) => texts(c).map((t) => t.text).join("")),
      legend: [...svg.querySelectorAll(".legend")].map((g) => g.textContent),
    };
  }
  const rows = [...document.querySelectorAll("#ratios tr")].map((r) =>
    [...r.children].map((c) => c.textContent));
  const summary = document.getElementById("summary");
  const out = document.createElement("pre");
  out.id = "checked";
  out.textContent = JSON.stringify({
    title: document.title, charts, rows,
    summary: summary ? summary.textContent : "",
    facts: [...document.querySelectorAll("table.facts th")].map((t) => t.textContent),
  });
  document.body.appendChild(out);
})();
