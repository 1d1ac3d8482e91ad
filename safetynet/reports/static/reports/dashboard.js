/* The dashboard's charts (reports/dashboard.html): each <div class="chart" data-table="key"> draws
   the figure its table shows, from the JSON the page carries (#chart-data). Areas are horizontal
   bars with every name on the y-axis; a bar leads where its table line leads (drill-down). */
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  var specs = JSON.parse(source.textContent), charts = [];
  document.querySelectorAll(".chart[data-table]").forEach(function (el) {
    var spec = specs[el.getAttribute("data-table")];
    if (!spec || !spec.categories.length) { el.style.display = "none"; return; }
    var n = spec.categories.length;
    el.style.height = (spec.horizontal ? Math.max(240, 28 * n + 90) : 320) + "px";
    var category = {type: "category", data: spec.categories, axisLabel: {interval: 0}};
    if (!spec.horizontal && n > 6) category.axisLabel.rotate = 40;
    if (spec.horizontal) category.inverse = true;  // the first line of the table at the top
    var value = {type: "value"};
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 8, right: 32, top: 40, bottom: 8, containLabel: true},
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: spec.series.map(function (s) {
        return {name: s.name, type: spec.kind, data: s.data, stack: s.stack || undefined, emphasis: {focus: "series"}};
      })
    });
    chart.on("click", function (params) {
      var link = spec.links[params.dataIndex];
      if (link) window.location.href = link;
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
