/* The chain map: the node tree with each node's state; a node opens its page.
 * Data comes from the page's json_script element. */
jinmuChart("chain-map", "chain-map-data", function (el, data, init) {
  "use strict";
  var L = data.labels;
  var encode = echarts.format.encodeHTML;
  var narrow = el.clientWidth < 576;
  // One line per leaf, so long chains stay readable instead of squeezed.
  el.style.height = Math.max(narrow ? 480 : 560, data.leaf_count * (narrow ? 28 : 30)) + "px";
  var chart = init();

  function tooltip(params) {
    var d = params.data || {};
    if (!d.url) { return "<strong>" + encode(params.name) + "</strong>"; }
    var share = d.share_percent === null ? L.share_unknown : d.share_percent + "%";
    var lines = [
      "<strong>" + encode(params.name) + "</strong> · " + encode(d.kind),
      encode(L.state) + ": " + encode(d.flags.length ? d.flags.join("、") : d.state_label),
      encode(L.enterprises) + ": " + d.enterprise_count,
      encode(L.operating) + ": " + d.operating_count,
      encode(L.output) + ": " + encode(d.output_wan),
      encode(L.share) + ": " + encode(share)
    ];
    if (d.bottleneck_count) { lines.push(encode(L.bottlenecks) + ": " + d.bottleneck_count); }
    lines.push("<span class=\"text-secondary\">" + encode(L.open_node) + "</span>");
    return lines.join("<br>");
  }

  function labelText(p) {
    var d = p.data || {};
    return d.url && !d.is_group ? p.name + " (" + d.operating_count + ")" : p.name;
  }

  chart.setOption({
    tooltip: { trigger: "item", triggerOn: "mousemove", confine: true, formatter: tooltip },
    series: [{
      type: "tree",
      data: [data.tree],
      orient: "LR",
      top: narrow ? 28 : 12,
      bottom: 12,
      left: narrow ? 40 : 110,
      right: narrow ? 104 : 180,
      symbol: "circle",
      initialTreeDepth: -1,
      expandAndCollapse: false,
      roam: false,
      lineStyle: { color: "#c8d3e1", width: 1.2, curveness: 0.5 },
      // On a phone inner labels sit above their dot, so they do not run into the lines.
      label: narrow ? {
        position: "top", verticalAlign: "bottom", align: "center", distance: 4,
        fontSize: 11, overflow: "truncate", width: 80, formatter: labelText
      } : {
        position: "left", verticalAlign: "middle", align: "right",
        fontSize: 13, overflow: "truncate", width: 140, formatter: labelText
      },
      leaves: {
        label: { position: "right", verticalAlign: "middle", align: "left", distance: 5 }
      },
      emphasis: { focus: "descendant" },
      animationDuration: 400,
      animationDurationUpdate: 400
    }]
  });
  chart.on("click", function (params) {
    if (params.data && params.data.url) { window.location.href = params.data.url; }
  });
});
