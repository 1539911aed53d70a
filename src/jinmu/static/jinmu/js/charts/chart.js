/* What every chart starts with: its element, its data from the page's json_script element,
 * ECharts initialised on the element and kept to the window's size.
 * jinmuChart(elementId, dataId, draw) calls draw(el, data, init) when all are there;
 * init(renderer) returns the chart ("canvas" unless told). */
(function () {
  "use strict";
  window.jinmuChart = function (elementId, dataId, draw) {
    var el = document.getElementById(elementId);
    var source = document.getElementById(dataId);
    if (!el || !source || typeof echarts === "undefined") { return; }
    draw(el, JSON.parse(source.textContent), function (renderer) {
      var chart = echarts.init(el, null, { renderer: renderer || "canvas" });
      window.addEventListener("resize", function () { chart.resize(); });
      return chart;
    });
  };
})();
