/* A target's month-end progress against 序时.
 * Data comes from the page's json_script element. */
jinmuChart("target-history-chart", "target-history-data", function (el, data, init) {
  "use strict";
  if (!data.labels.length) { return; }
  var chart = init();
  var percent = function (v) { return v === null || v === undefined ? "—" : v + "%"; };
  chart.setOption({
    // richText: drawn on the canvas; ECharts' default HTML tooltip carries style attributes (CSP).
    tooltip: { trigger: "axis", confine: true, valueFormatter: percent, renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.labels, boundaryGap: false },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: data.names.progress, type: "line", data: data.progress, connectNulls: true,
        symbolSize: 7, lineStyle: { width: 3 }, itemStyle: { color: "#066fd1" } },
      { name: data.names.expected, type: "line", data: data.expected,
        lineStyle: { type: "dashed" }, itemStyle: { color: "#737373" } }
    ]
  });
});
