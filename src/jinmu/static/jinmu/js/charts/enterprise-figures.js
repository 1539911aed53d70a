/* An enterprise's annual figures.
 * Data comes from the page's json_script element. */
jinmuChart("figures-chart", "figures-chart-data", function (el, data, init) {
  "use strict";
  var chart = init();
  chart.setOption({
    // richText: drawn on the canvas; ECharts' default HTML tooltip carries style attributes (CSP).
    tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 56, containLabel: true },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: data.unit },
    series: data.series.map(function (s) {
      return { name: s.name, type: s.type, data: s.data, smooth: s.type === "line", connectNulls: true };
    })
  });
});
