/* A project's milestone plan as a Gantt (baseline, plan, actual) and its A3 wall copy.
 * Data comes from the page's json_script element. */
jinmuChart("plan-gantt", "plan-gantt-data", function (el, data, init) {
  "use strict";
  var printImg = document.getElementById("plan-gantt-print");
  if (!data.rows.length) { return; }
  var L = data.labels;
  var DAY = 86400000;
  var encode = echarts.format.encodeHTML;

  // Local midnight, so the time axis shows the same calendar day whatever the time zone.
  function ts(iso) {
    var p = iso.split("-");
    return new Date(+p[0], +p[1] - 1, +p[2]).getTime();
  }
  // Rich-text markers must not appear inside a label.
  function plain(text) { return String(text).replace(/[{}|]/g, " "); }

  var lanes = ["baseline", "plan", "actual"];
  var items = [];
  var low = ts(data.today), high = ts(data.today);
  data.rows.forEach(function (row, index) {
    lanes.forEach(function (lane, laneIndex) {
      var span = row[lane];
      if (!span) { return; }
      var start = ts(span[0]), end = ts(span[1]) + DAY;  // bars include their last day
      low = Math.min(low, start);
      high = Math.max(high, end);
      items.push({ value: [index, start, end, laneIndex], lane: lane, row: index });
    });
  });
  var pad = Math.max(3 * DAY, (high - low) * 0.02);

  function renderItem(params, api) {
    var category = api.value(0);
    var lane = api.value(3);
    var start = api.coord([api.value(1), category]);
    var end = api.coord([api.value(2), category]);
    var band = api.size([0, 1])[1];
    var height = band * 0.24;
    var top = start[1] - band * 0.38 + lane * (height + band * 0.02);
    var rect = echarts.graphic.clipRectByRect(
      { x: start[0], y: top, width: Math.max(end[0] - start[0], 2), height: height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
    );
    if (!rect) { return null; }
    var style;
    if (lane === 0) {
      style = { fill: "rgba(134,142,150,0.12)", stroke: "#868e96", lineWidth: 1.5, lineDash: [4, 2] };
    } else if (lane === 1) {
      style = { fill: "#206bc4" };
    } else {
      style = { fill: data.rows[category].actual_colour };
    }
    return { type: "rect", shape: rect, style: style };
  }

  function tooltip(params) {
    var row = data.rows[params.data.row];
    var lines = ["<strong>" + encode(row.name) + "</strong>"];
    [["baseline", L.baseline], ["plan", L.plan], ["actual", L.actual]].forEach(function (pair) {
      var span = row[pair[0]];
      lines.push(encode(pair[1]) + ": " + (span ? span[0] + " – " + span[1] : encode(L.none)));
    });
    if (row.owner) { lines.push(encode(L.owner) + ": " + encode(row.owner)); }
    lines.push(encode(L.weight) + ": " + encode(row.weight));
    lines.push(encode(L.state) + ": " + encode(row.state) + (row.days_late ? " · " + encode(L.days_late) + " " + row.days_late : ""));
    return lines.join("<br>");
  }

  function option(narrow, forPrint) {
    return {
      animation: !forPrint,
      backgroundColor: "#fff",
      tooltip: forPrint ? undefined : { trigger: "item", confine: true, formatter: tooltip },
      grid: { left: 8, right: 24, top: 36, bottom: 16, containLabel: true },
      xAxis: {
        type: "time",
        position: "top",
        min: low - pad,
        max: high + pad,
        splitLine: { show: true, lineStyle: { color: "#eef1f4" } },
        axisLabel: { hideOverlap: true, fontSize: forPrint ? 13 : 11 }
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.rows.map(function (row, index) { return String(index); }),
        axisTick: { show: false },
        splitLine: { show: true, lineStyle: { color: "#eef1f4" } },
        axisLabel: {
          width: narrow ? 110 : 220,
          overflow: "truncate",
          formatter: function (value, index) {
            var row = data.rows[index];
            var sub = (row.owner ? plain(row.owner) + " · " : "") + L.weight + " " + row.weight;
            return "{name|" + plain(row.name) + "}\n{sub|" + plain(sub) + "}";
          },
          rich: {
            name: { fontSize: forPrint ? 14 : (narrow ? 11 : 13), fontWeight: "bold", color: "#1d273b" },
            sub: { fontSize: forPrint ? 12 : (narrow ? 10 : 11), color: "#667382", padding: [2, 0, 0, 0] }
          }
        }
      },
      series: [
        {
          type: "custom",
          renderItem: renderItem,
          encode: { x: [1, 2], y: 0 },
          data: items,
          clip: true
        },
        {
          // Carries the "today" line only.
          type: "line",
          data: [],
          silent: true,
          markLine: {
            silent: true,
            symbol: ["none", "none"],
            lineStyle: { color: "#d63939", type: "solid", width: 1.5 },
            label: { formatter: L.today + " " + data.today, position: "insideEndTop", color: "#d63939" },
            data: [{ xAxis: ts(data.today) }]
          }
        }
      ]
    };
  }

  var rowHeight = 54;
  var height = Math.max(220, data.rows.length * rowHeight + 60);
  el.style.height = height + "px";
  var narrow = el.clientWidth < 576;
  // SVG renders crisply on paper as well as on screen.
  var chart = init("svg");
  chart.setOption(option(narrow, false));

  // The wall copy: drawn once at A3-landscape width, off screen and without animation, and
  // kept as an image the print stylesheet shows instead of the live chart.
  if (printImg) {
    var holder = document.createElement("div");
    var printWidth = 1500;
    holder.style.cssText = "position:absolute;left:-20000px;top:0;width:" + printWidth + "px;height:" + height + "px";
    document.body.appendChild(holder);
    var copy = echarts.init(holder, null, { renderer: "svg", width: printWidth, height: height });
    copy.setOption(option(false, true));
    printImg.src = copy.getDataURL({ type: "svg", backgroundColor: "#fff" });
    copy.dispose();
    holder.remove();
  }
});
