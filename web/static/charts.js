// The workbench's charts: drawn with the vendored ECharts from the JSON the page fetches
// (each container's data-charts names it; the tables beside the charts hold the same
// figures), and drawn again when htmx swaps a container in. A bar opens the list behind it.
(function () {
  "use strict";
  var drawn = new Map(); // container -> its charts

  // A bar chart, or with kind "line" a line per series (a trend; gaps where no figure).
  function barChart(element, figure) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var grouped = Boolean(figure.series);
    var kind = figure.kind === "line" ? "line" : "bar";
    var series = grouped
      ? Object.keys(figure.series).map(function (name) {
          return { name: name, type: kind, data: figure.series[name], connectNulls: false };
        })
      : [{ type: "bar", data: figure.values, barMaxWidth: 48, itemStyle: { color: "#b3261e" } }];
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: grouped ? { type: "scroll" } : undefined,
      grid: { left: 8, right: 16, top: grouped ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: figure.labels,
        axisLabel: kind === "line" ? {} : { interval: 0, rotate: grouped ? 0 : 30 },
      },
      yAxis: { type: "value", minInterval: figure.integers ? 1 : 0 },
      series: series,
    });
    chart.on("click", function (event) {
      var link = figure.links && figure.links[event.dataIndex];
      if (link) { window.location.href = link; }
    });
    return chart;
  }

  function draw(container) {
    (drawn.get(container) || []).forEach(function (chart) { chart.dispose(); });
    fetch(container.dataset.charts, { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(function (figures) {
        var charts = [];
        container.querySelectorAll("[data-chart]").forEach(function (element) {
          var figure = figures[element.dataset.chart];
          if (figure) { charts.push(barChart(element, figure)); }
        });
        drawn.set(container, charts);
        container.dataset.drawn = String(charts.length);
      })
      .catch(function () { container.dataset.drawn = "failed"; });
  }

  function drawNew() {
    if (typeof echarts === "undefined") { return; }
    drawn.forEach(function (charts, container) { // swapped out by a refresh
      if (!document.body.contains(container)) {
        charts.forEach(function (chart) { chart.dispose(); });
        drawn.delete(container);
      }
    });
    document.querySelectorAll("[data-charts]").forEach(function (container) {
      if (!container.dataset.drawn) { draw(container); }
    });
  }

  document.addEventListener("DOMContentLoaded", drawNew);
  document.body.addEventListener("htmx:afterSettle", drawNew);
  window.addEventListener("resize", function () {
    drawn.forEach(function (charts) { charts.forEach(function (c) { c.resize(); }); });
  });
})();
