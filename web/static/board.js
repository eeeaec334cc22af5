// The supervision board's charts: drawn with the vendored ECharts from the JSON the page
// fetches (the tables beside them hold the same figures), drawn again after each refresh.
// A bar opens the ticket list behind it.
(function () {
  "use strict";
  var drawn = [];

  function barChart(element, figure, stacked) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var series = stacked
      ? Object.keys(figure.series).map(function (name) {
          return { name: name, type: "bar", data: figure.series[name] };
        })
      : [{ type: "bar", data: figure.values, barMaxWidth: 48, itemStyle: { color: "#b3261e" } }];
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: stacked ? {} : undefined,
      grid: { left: 8, right: 16, top: stacked ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: figure.labels, axisLabel: { interval: 0, rotate: stacked ? 0 : 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
    chart.on("click", function (event) {
      var link = figure.links[event.dataIndex];
      if (link) { window.location.href = link; }
    });
    drawn.push(chart);
  }

  function draw() {
    var board = document.getElementById("board");
    if (!board || typeof echarts === "undefined") { return; }
    drawn.forEach(function (chart) { chart.dispose(); });
    drawn = [];
    fetch(board.dataset.charts, { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(function (figures) {
        board.querySelectorAll("[data-chart]").forEach(function (element) {
          var figure = figures[element.dataset.chart];
          if (figure) { barChart(element, figure, Boolean(figure.series)); }
        });
        board.dataset.drawn = String(drawn.length);
      })
      .catch(function () { board.dataset.drawn = "failed"; });
  }

  document.addEventListener("DOMContentLoaded", draw);
  // A refresh swaps the whole board, charts' boxes included: draw the new ones.
  document.body.addEventListener("htmx:afterSettle", function () {
    var board = document.getElementById("board");
    if (board && !board.dataset.drawn) { draw(); }
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
})();
