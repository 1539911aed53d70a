/* Lights on the portfolio board: a stacked bar per town, chain, kind or unit; a bar opens its list.
 * Data comes from the page's json_script element. */
jinmuChart("board-chart", "board-chart-data", function (el, data, init) {
  "use strict";
  var narrow = el.clientWidth < 576;
  var chart = init();
  chart.setOption({
    // richText: drawn on the canvas; ECharts' default HTML tooltip carries style attributes (CSP).
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    // On a phone the bars lie down so the kind names stay readable.
    xAxis: narrow ? { type: "value", minInterval: 1 } : { type: "category", data: data.categories },
    yAxis: narrow ? { type: "category", data: data.categories, inverse: true } : { type: "value", minInterval: 1 },
    series: data.series.map(function (s) {
      return {
        name: s.name, type: "bar", stack: "lights", data: s.data,
        itemStyle: { color: s.colour }, emphasis: { focus: "series" },
        label: { show: true, formatter: function (p) { return p.value ? p.value : ""; } }
      };
    })
  });
  chart.on("click", function (p) {
    var series = data.series[p.seriesIndex];
    var url = series && series.urls[p.dataIndex];
    if (url) { window.location.href = url; }
  });
});
