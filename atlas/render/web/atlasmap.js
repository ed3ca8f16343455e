/* The atlas web map in the browser: layer groups toggled client-side (no server round trip),
 * feature labels attached to their label points with collision handling at every zoom, a
 * legend of the classes on screen, and the view state written back to the page URL.
 *
 * atlasMap(map, D): D = {groups: [{key, label, kind, n, data}], visible: [keys],
 *   defaults: [keys], legend: {classes: {label: [html, z]}, precision: html, overlay: html},
 *   places: [[lat, lon, text]], controls: bool, ghost: bool}
 * Plan text inside D is HTML-escaped by the Python side; this file only concatenates it.
 */
/* Offline: grey out the page's online basemap choices (labels marked 需联网) and say why. */
if (!window.atlasMarkOffline) {
  window.atlasMarkOffline = function () {
    try {
      var doc = window.parent.document;
      if (!doc || doc === document) { return; }
      doc.querySelectorAll('[data-testid="stSidebar"] label').forEach(function (l) {
        if ((l.textContent || "").indexOf("需联网") < 0 || l.dataset.atlasOffline) { return; }
        l.dataset.atlasOffline = "1";
        l.style.opacity = "0.45";
        l.style.pointerEvents = "none";
        l.setAttribute("aria-disabled", "true");
        l.title = "当前无法联网：在线底图不可用";
        var i = l.querySelector("input");
        if (i && !i.checked) { i.disabled = true; }
      });
    } catch (e) { /* another origin or file:// - nothing to mark */ }
  };
  window.addEventListener("offline", window.atlasMarkOffline);
  if (navigator.onLine === false) { setTimeout(window.atlasMarkOffline, 0); }
}
if (!window.atlasMap) {
  window.atlasMap = function (map, D) {
    "use strict";
    var pane = map.getPane("atlas-labels") || map.createPane("atlas-labels");
    pane.style.zIndex = 640;
    pane.style.pointerEvents = "none";
    var byKey = {}, layers = {}, labels = {}, on = {};
    function esc(t) {
      return String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
    }
    D.groups.forEach(function (g) { byKey[g.key] = g; on[g.key] = false; });
    var places = (D.places || []).map(function (p) {
      return mkLabel([p[0], p[1]], p[2], -100, false, "atlas-place");
    });

    function mkLabel(ll, text, prio, point, cls) {
      var icon = L.divIcon({className: "atlas-lbl", iconSize: null,
        html: '<span class="' + cls + '">' + text + "</span>"});
      var m = L.marker(ll, {pane: "atlas-labels", interactive: false, keyboard: false,
        icon: icon});
      return {m: m, ll: L.latLng(ll), pr: prio, pt: point, w: 0, h: 0};
    }

    function build(key) {
      var g = byKey[key], lab = [];
      layers[key] = L.geoJSON(g.data, {
        pane: D.ghost ? "ghost" : "overlayPane",
        style: function (f) { return f.properties._s || {}; },
        pointToLayer: function (f, latlng) {
          return L.marker(latlng, {icon: L.divIcon({html: f.properties._i || "",
            className: "atlas-divicon", iconSize: [22, 22], iconAnchor: [11, 11]}),
            pane: D.ghost ? "ghost" : "markerPane"});
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          if (p._p) { layer.bindPopup(p._p, {maxWidth: 380, minWidth: 240}); }
          if (p._t) { layer.bindTooltip(p._t, {sticky: true}); }
          if (p._l && p._a && !D.ghost) {
            lab.push(mkLabel(p._a, p._l, p._r || 0, p._k === "p", "atlas-flabel"));
          }
        }
      });
      labels[key] = lab;
      /* streamlit-folium only listens to layers on the map when it starts: report clicks on
       * groups shown later ourselves (its moveend handler sends the component value). */
      layers[key].on("click", function (e) {
        var G = window.__GLOBAL_DATA__;
        if (!G || !e.layer || !e.layer.toGeoJSON) { return; }
        G.last_active_drawing = e.layer.toGeoJSON();
        G.last_object_clicked = e.latlng || null;
        G.last_object_clicked_count = (G.last_object_clicked_count || 0) + 1;
        map.fire("moveend");
      });
    }

    function show(key, yes) {
      if (!!on[key] === !!yes || !byKey[key]) { return; }
      if (yes && !layers[key]) {
        try { build(key); } catch (e) { labels[key] = []; layers[key] = L.layerGroup(); }
      }
      on[key] = !!yes;
      if (yes) {
        layers[key].addTo(map);
        labels[key].forEach(function (l) { l.m.addTo(map); l.el = null; });
      } else {
        map.removeLayer(layers[key]);
        labels[key].forEach(function (l) { map.removeLayer(l.m); });
      }
    }

    function overlaps(b, taken) {
      for (var i = 0; i < taken.length; i++) {
        var t = taken[i];
        if (t[0] < b[2] && t[2] > b[0] && t[1] < b[3] && t[3] > b[1]) { return true; }
      }
      return false;
    }

    /* Greedy, by priority: a label tries its anchor (areas, lines) or the four sides of its
     * icon (points); the first box clear of icons and of every kept label wins, else the
     * label is hidden until the next zoom or pan. */
    function declutter() {
      var items = [], taken = [], size = map.getSize();
      D.groups.forEach(function (g) {
        if (on[g.key]) { items = items.concat(labels[g.key] || []); }
      });
      items.forEach(function (l) {
        if (l.pt) {
          var p = map.latLngToContainerPoint(l.ll);
          taken.push([p.x - 11, p.y - 11, p.x + 11, p.y + 11]);
        }
      });
      var box0 = map.getContainer().getBoundingClientRect();  // the map's controls: obstacles
      map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
        var r = c.getBoundingClientRect();
        if (r.width && r.height) {
          taken.push([r.left - box0.left, r.top - box0.top, r.right - box0.left,
            r.bottom - box0.top]);
        }
      });
      items = items.concat(places);
      items.sort(function (a, b) { return b.pr - a.pr; });
      items.forEach(function (l) {
        var el = l.m.getElement && l.m.getElement();
        if (!el) { return; }
        var span = el.firstChild;
        if (!l.w) {  // the real (fractional) size plus a 1 px margin all round
          var r = span.getBoundingClientRect();
          l.w = Math.ceil(r.width) + 2; l.h = Math.ceil(r.height) + 2;
        }
        var p = map.latLngToContainerPoint(l.ll), w = l.w, h = l.h, hit = null;
        var c = l.pt ? [[w / 2 + 13, 0], [-w / 2 - 13, 0], [0, -h / 2 - 12], [0, h / 2 + 12]]
          : [[0, 0], [0, -h], [0, h], [w * 0.6, 0], [-w * 0.6, 0]];
        for (var i = 0; i < c.length; i++) {
          var x = p.x + c[i][0], y = p.y + c[i][1];
          var b = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
          if (b[0] < 0 || b[1] < 0 || b[2] > size.x || b[3] > size.y) { continue; }
          if (!overlaps(b, taken)) { hit = c[i]; taken.push(b); break; }
        }
        span.style.transform = hit ? "translate(" + (hit[0] - w / 2) + "px," +
          (hit[1] - h / 2) + "px)" : "";
        el.style.visibility = hit ? "visible" : "hidden";
        l.shown = !!hit;
      });
    }

    /* ---------------------------------------------------------- legend: classes on screen */
    var legendBody = null, legendDiv = null;
    function legend() {
      if (!legendBody) { return; }
      var bounds = map.getBounds(), seen = {};
      D.groups.forEach(function (g) {
        if (!on[g.key]) { return; }
        layers[g.key].eachLayer(function (lay) {
          var c = lay.feature && lay.feature.properties._c;
          if (!c || seen[c]) { return; }
          var b = lay.getBounds ? lay.getBounds() : L.latLngBounds([lay.getLatLng()]);
          if (bounds.intersects(b)) { seen[c] = 1; }
        });
      });
      var cls = Object.keys(seen).filter(function (c) { return D.legend.classes[c]; });
      cls.sort(function (a, b) { return D.legend.classes[b][1] - D.legend.classes[a][1]; });
      var html = cls.map(function (c) {
        return '<div class="atlas-lg" data-class="' + c + '">' + D.legend.classes[c][0] +
          "</div>";
      }).join("");
      legendBody.innerHTML = (html || '<div class="atlas-lg-empty">（视野内无规划要素）</div>') +
        (D.legend.overlay || "");
      fit();
    }

    if (D.legend) {
      var lc = L.control({position: "bottomright"});
      lc.onAdd = function () {
        legendDiv = L.DomUtil.create("div", "atlas-legend leaflet-bar");
        legendDiv.innerHTML = '<div class="atlas-lg-head"><b>图例</b>' +
          '<a href="#" class="atlas-lg-toggle" title="收起/展开图例">▾</a></div>' +
          '<div class="atlas-lg-body"></div><div class="atlas-lg-prec">' +
          D.legend.precision + "</div>";
        legendBody = legendDiv.querySelector(".atlas-lg-body");
        if (D.legend.collapsed) {
          legendDiv.classList.add("atlas-collapsed");
          legendDiv.querySelector(".atlas-lg-toggle").textContent = "▸";
        }
        legendDiv.querySelector(".atlas-lg-toggle").onclick = function (e) {
          e.preventDefault();
          var c = legendDiv.classList.toggle("atlas-collapsed");
          this.textContent = c ? "▸" : "▾";
        };
        L.DomEvent.disableClickPropagation(legendDiv);
        L.DomEvent.disableScrollPropagation(legendDiv);
        return legendDiv;
      };
      lc.addTo(map);
    }

    /* The layer panel (top right) and the legend (bottom right) share the map's height: each
     * gets at most half of it and scrolls inside; the legend's 精度 rows never scroll away. */
    var layersDiv = null;
    function fit() {
      var H = map.getSize().y, half = Math.floor(H / 2) - 24;
      if (layersDiv) { layersDiv.style.maxHeight = Math.max(60, half) + "px"; }
      if (legendDiv) {
        legendDiv.style.maxHeight = Math.max(80, half) + "px";
        var prec = legendDiv.querySelector(".atlas-lg-prec");
        var room = half - (prec ? prec.offsetHeight : 0) - 34;
        legendBody.style.maxHeight = Math.max(24, room) + "px";
      }
    }

    /* ---------------------------------------------------------- the layer control */
    function sync() {
      var keys = D.groups.map(function (g) { return g.key; })
        .filter(function (k) { return on[k]; });
      var isDefault = keys.join("~") === D.defaults.join("~");
      try {
        var w = window.parent, u = new URL(w.location.href);
        if (w !== window && u.protocol.indexOf("http") === 0) {
          if (isDefault) { u.searchParams.delete("layers"); }
          else { u.searchParams.set("layers", keys.length ? keys.join("~") : "-"); }
          w.history.replaceState(w.history.state, "", u.toString());
        }
      } catch (e) { /* another origin or file:// - nothing to write */ }
      if (window.__GLOBAL_DATA__) {
        var s = {"__set": {name: "__set", url: ""}};
        keys.forEach(function (k) { s[k] = {name: k, url: ""}; });
        window.__GLOBAL_DATA__.selected_layers = s;
      }
    }

    function refresh() { declutter(); legend(); fit(); syncControl(); }

    /* the panel's inputs follow the groups shown (also when changed through map.atlas) */
    function syncControl() {
      if (!layersDiv) { return; }
      var lay = D.groups.filter(function (g) { return g.kind === "layout"; });
      var nOn = lay.filter(function (g) { return on[g.key]; }).length;
      layersDiv.querySelectorAll("input").forEach(function (i) {
        if (i.type === "checkbox") { i.checked = !!on[i.value]; return; }
        if (i.value === "__all") { i.checked = nOn > 1; }
        else if (i.value === "__none") { i.checked = nOn === 0; }
        else { i.checked = nOn === 1 && !!on[i.value]; }
      });
    }

    map.atlas = {
      show: function (key, yes) { show(key, yes); refresh(); sync(); },
      layout: function (key) {
        D.groups.forEach(function (g) {
          if (g.kind === "layout") { show(g.key, key === "__all" || g.key === key); }
        });
        refresh(); sync();
      },
      visible: function () {
        return D.groups.map(function (g) { return g.key; }).filter(function (k) { return on[k]; });
      },
      labels: function () {
        var out = [];
        D.groups.forEach(function (g) {
          if (!on[g.key]) { return; }
          labels[g.key].forEach(function (l) {
            var el = l.m.getElement(), r = el && el.firstChild.getBoundingClientRect();
            out.push({text: el ? el.textContent : "", shown: !!l.shown,
              lat: l.ll.lat, lng: l.ll.lng, box: r ? [r.left, r.top, r.right, r.bottom] : null});
          });
        });
        return out;
      },
      refresh: refresh
    };

    if (D.controls !== false && D.groups.length) {
      var ctl = L.control({position: "topright"});
      ctl.onAdd = function () {
        var div = L.DomUtil.create("div", "atlas-layers leaflet-bar");
        layersDiv = div;
        var lay = D.groups.filter(function (g) { return g.kind === "layout"; });
        var rest = D.groups.filter(function (g) { return g.kind !== "layout"; });
        var nOn = lay.filter(function (g) { return on[g.key]; }).length;
        var h = '<div class="atlas-lg-head"><b>图层</b><a href="#" class="atlas-ly-toggle" ' +
          'title="收起/展开图层">▾</a></div><div class="atlas-ly-body">';
        if (lay.length) {
          h += "<div class='atlas-ly-sec'>空间布局（一次一个）</div>";
          lay.forEach(function (g) {
            h += '<label><input type="radio" name="atlas-layout" value="' + esc(g.key) + '"' +
              (on[g.key] && nOn === 1 ? " checked" : "") + "> " + esc(g.label) + "（" + g.n +
              "）</label>";
          });
          h += '<label><input type="radio" name="atlas-layout" value="__all"' +
            (nOn > 1 ? " checked" : "") + "> 全部布局叠加</label>";
          h += '<label><input type="radio" name="atlas-layout" value="__none"' +
            (nOn === 0 ? " checked" : "") + "> 不显示布局</label>";
        }
        if (rest.length) {
          h += "<div class='atlas-ly-sec'>其他图层</div>";
          rest.forEach(function (g) {
            h += '<label><input type="checkbox" value="' + esc(g.key) + '"' +
              (on[g.key] ? " checked" : "") + "> " + esc(g.label) + "（" + g.n + "）</label>";
          });
        }
        div.innerHTML = h + "</div>";
        div.addEventListener("change", function (e) {
          var t = e.target;
          if (t.type === "radio") { map.atlas.layout(t.value); }
          else if (t.type === "checkbox") { map.atlas.show(t.value, t.checked); }
        });
        div.querySelector(".atlas-ly-toggle").onclick = function (e) {
          e.preventDefault();
          var c = div.classList.toggle("atlas-collapsed");
          this.textContent = c ? "▸" : "▾";
        };
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      D.visible.forEach(function (k) { show(k, true); });
      ctl.addTo(map);
    } else {
      D.visible.forEach(function (k) { show(k, true); });
    }
    places.forEach(function (l) { l.m.addTo(map); });
    map.on("zoomend moveend resize", refresh);
    map.whenReady(function () { refresh(); sync(); });
    return map.atlas;
  };
}
