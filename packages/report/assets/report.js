// The report's panels as DOM and hand-written SVG: inlined into the HTML file by renderReport (which reads
// #report-data), and served by the API for its planner page (window.FlexrosterReport.render(data, panels)).
// Plain browser JavaScript, no network, no framework. Data text only ever goes through textContent or
// attributes, never innerHTML; styles through CSSOM, so that a CSP without 'unsafe-inline' allows them.
(function () {
  'use strict';
  var ALL = ['kpis', 'coverage', 'gantt', 'costs', 'findings', 'fairness', 'timeline'];
  var dataNode = document.getElementById('report-data');
  if (dataNode) render(JSON.parse(dataNode.textContent), ALL);
  window.FlexrosterReport = { render: render, panels: ALL };

  /** Draws `panels` of `data` into the page's sections of the same ids. */
  function render(data, panels) {
  var SVGNS = 'http://www.w3.org/2000/svg';
  var PALETTE = ['#3a6ea5', '#2a9d8f', '#8e5ea2', '#e76f51', '#6a994e', '#bc4b51', '#277da1', '#b08968'];
  var H = data.horizon;
  var full = { from: 0, to: H.dayStarts[H.dayStarts.length - 1] };

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'style') n.style.cssText = attrs[k];
      else n.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function sv(tag, attrs, text) {
    var n = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function titled(node, text) { node.appendChild(sv('title', {}, text)); return node; }
  function fmt(x, digits) {
    if (x === undefined || x === null) return '–';
    return Number(x).toLocaleString('en-GB', { maximumFractionDigits: digits === undefined ? 2 : digits });
  }
  function pct(x) { return x === undefined ? '–' : fmt(x * 100, 2) + ' %'; }
  function colourOf(skill) { return PALETTE[Math.max(0, data.skills.indexOf(skill)) % PALETTE.length]; }
  function wall(min) {
    // Minutes from the grid start to wall-clock minutes: add the clock changes passed.
    var w = min;
    H.clockChanges.forEach(function (c) { if (c.at <= min) w += c.shift; });
    return w;
  }
  function clock(min) {
    // Minutes from the grid start as the site-local day and time.
    var d = 0;
    while (d + 1 < H.dayStarts.length - 1 && H.dayStarts[d + 1] <= min) d++;
    var m = wall(min) - wall(H.dayStarts[d]);
    return (H.dates[d] || '') + ' ' + String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
  }
  function table(head, rows, numeric) {
    var t = el('table', {}, [el('thead', {}, [el('tr', {}, head.map(function (h, i) { return el('th', numeric[i] ? { class: 'n' } : {}, [h]); }))])]);
    var body = el('tbody');
    rows.forEach(function (r) {
      body.appendChild(el('tr', r.attrs || {}, r.cells.map(function (c, i) { return el('td', numeric[i] ? { class: 'n' } : {}, [String(c)]); })));
    });
    t.appendChild(body);
    return t;
  }
  function section(id, title, children) {
    var s = document.getElementById(id);
    s.textContent = '';
    s.appendChild(el('h2', {}, [title]));
    (children || []).forEach(function (c) { s.appendChild(c); });
    return s;
  }

  // --- KPIs ---
  function kpis() {
    var k = data.kpis;
    var boxes = [
      ['cost', fmt(k.cost)],
      ['lower bound', k.lowerBound === undefined ? 'no bound known' : fmt(k.lowerBound)],
      ['gap', k.lowerBound === undefined ? 'no bound known' : pct(k.gap)],
      ['understaffed agent-hours', fmt(k.understaffedAgentHours)],
      ['overstaffed agent-hours', fmt(k.overstaffedAgentHours)],
      ['paid shift hours', fmt(k.paidShiftHours)],
      ['paid leave hours', fmt(k.paidLeaveHours)],
      ['overtime hours', fmt(k.overtimeHours)],
      ['shifts', fmt(k.shifts, 0)],
      ['broken hard rules', fmt(k.hardViolations, 0)],
    ];
    k.serviceLevel.forEach(function (s) {
      boxes.push(['service level ' + s.skill + ' (' + fmt(s.answerSeconds, 0) + ' s, target ' + pct(s.target) + ')', pct(s.achieved)]);
    });
    var grid = el('div', { class: 'kpis' }, boxes.map(function (b) {
      return el('div', { class: 'kpi', 'data-kpi': b[0] }, [el('div', { class: 'v' }, [b[1]]), el('div', { class: 'l' }, [b[0]])]);
    }));
    var why = k.status ? el('p', { class: 'muted' }, ['status ' + k.status + (k.reason ? ': ' + k.reason : '')]) : el('p');
    var note = el('p', { class: 'muted' }, [
      k.serviceLevel.length
        ? 'Service level: contacts-weighted share answered in time, by Erlang C from the scheduled agents less shrinkage (whole agents); ' +
          k.serviceLevel.map(function (s) { return s.skill + ' below target in ' + s.intervalsBelowTarget + ' of ' + s.intervals + ' intervals'; }).join('; ') + '.'
        : 'No demand is given as a forecast, so no service level is computed.',
    ]);
    section('kpis', 'Key figures', [grid, why, note]);
  }

  // --- time axis shared by coverage and Gantt ---
  function timeAxis(g, view, x0, width, top, height) {
    H.dayStarts.forEach(function (m, d) {
      if (m < view.from || m > view.to) return;
      var x = x0 + ((m - view.from) / (view.to - view.from)) * width;
      g.appendChild(sv('line', { x1: x, x2: x, y1: top, y2: top + height, stroke: '#bbb' }));
      if (d < H.dates.length) g.appendChild(sv('text', { x: x + 3, y: top + height + 12 }, H.dates[d]));
    });
    if (view.to - view.from <= 1440 + 60) {
      for (var h = 0; h <= 24; h += 3) {
        var m = view.from + h * 60;
        m -= wall(m) - wall(view.from) - h * 60; // the instant the clock shows h:00 on a clock-change day
        var x = x0 + ((m - view.from) / (view.to - view.from)) * width;
        if (h > 0 && h < 24) g.appendChild(sv('text', { x: x + 2, y: top + height + 12 }, String(h).padStart(2, '0') + ':00'));
        g.appendChild(sv('line', { x1: x, x2: x, y1: top, y2: top + height, stroke: '#eee' }));
      }
    }
  }

  // --- coverage per skill ---
  function coverageChart(c, view) {
    var W = 1200, X0 = 40, PW = W - X0 - 10, TOP = 8, PH = 150;
    var step = H.intervalMinutes;
    var t0 = Math.floor(view.from / step), t1 = Math.min(H.intervalCount, Math.ceil(view.to / step));
    var max = 1;
    for (var t = t0; t < t1; t++) max = Math.max(max, c.scheduled[t], c.required[t] || 0);
    var scale = PH / max;
    var xs = function (t) { return X0 + ((t * step - view.from) / (view.to - view.from)) * PW; };
    var s = sv('svg', { viewBox: '0 0 ' + W + ' ' + (PH + TOP + 18), 'data-skill': c.skill, 'data-scale': scale, 'data-baseline': TOP + PH, class: 'coverage' });
    var g = sv('g');
    s.appendChild(g);
    [0, max / 2, max].forEach(function (v) {
      var y = TOP + PH - v * scale;
      g.appendChild(sv('line', { x1: X0, x2: X0 + PW, y1: y, y2: y, stroke: '#eee' }));
      g.appendChild(sv('text', { x: 2, y: y + 4 }, fmt(v, 1)));
    });
    timeAxis(g, view, X0, PW, TOP, PH);
    var path = '';
    for (t = t0; t < t1; t++) {
      var x = xs(t), w = xs(t + 1) - x, v = c.scheduled[t], r = c.required[t];
      var bar = sv('rect', { class: 'sched', x: x, width: w, y: TOP + PH - v * scale, height: v * scale, fill: colourOf(c.skill), 'fill-opacity': 0.35, 'data-t': t, 'data-v': v });
      g.appendChild(titled(bar, clock(t * step) + '  scheduled ' + fmt(v) + (r === null ? '  (no demand)' : '  required ' + fmt(r))));
      if (r === null) continue;
      if (v < r) g.appendChild(sv('rect', { class: 'under', x: x, width: w, y: TOP + PH - r * scale, height: (r - v) * scale, fill: '#d7263d', 'fill-opacity': 0.45, 'data-t': t }));
      if (v > r) g.appendChild(sv('rect', { class: 'over', x: x, width: w, y: TOP + PH - v * scale, height: (v - r) * scale, fill: '#f0a202', 'fill-opacity': 0.45, 'data-t': t }));
      var y = TOP + PH - r * scale;
      path += (path && c.required[t - 1] !== null && t > t0 ? 'L' : 'M') + x + ' ' + y + 'L' + (x + w) + ' ' + y;
    }
    g.appendChild(sv('path', { class: 'required', d: path || 'M0 0', fill: 'none', stroke: '#1d2330', 'stroke-width': 1.5 }));
    return s;
  }
  function coverage(view) {
    var legend = el('div', { class: 'legend' }, [
      el('span', {}, [el('i', { style: 'background:#3a6ea566' }), 'scheduled agents']),
      el('span', {}, [el('i', { style: 'background:#1d2330;height:2px' }), 'required']),
      el('span', {}, [el('i', { style: 'background:#d7263d88' }), 'understaffed']),
      el('span', {}, [el('i', { style: 'background:#f0a20288' }), 'overstaffed']),
    ]);
    var charts = data.coverage.map(function (c) { return el('div', {}, [el('h3', {}, [c.skill]), coverageChart(c, view)]); });
    section('coverage', 'Coverage per skill (' + H.intervalMinutes + '-minute intervals)', [zoomControl(), legend].concat(charts));
  }

  // --- Gantt ---
  var xsOf, ganttRow, ganttTop; // the drawn Gantt's scale, for its segments
  function gantt(view) {
    var agents = data.gantt.agents, ROW = 16, X0 = 130, W = 1200, PW = W - X0 - 10, TOP = 4;
    var height = agents.length * ROW;
    var xs = function (m) { return X0 + ((Math.max(view.from, Math.min(view.to, m)) - view.from) / (view.to - view.from)) * PW; };
    xsOf = xs; ganttRow = ROW; ganttTop = TOP;
    var s = sv('svg', { viewBox: '0 0 ' + W + ' ' + (height + TOP + 18), class: 'gantt' });
    var defs = sv('defs');
    var hatch = sv('pattern', { id: 'leave-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    hatch.appendChild(sv('rect', { width: 6, height: 6, fill: '#e4e6ea' }));
    hatch.appendChild(sv('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9aa1ad', 'stroke-width': 3 }));
    defs.appendChild(hatch);
    var lunchHatch = sv('pattern', { id: 'lunch-hatch', width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(-45)' });
    lunchHatch.appendChild(sv('rect', { width: 4, height: 4, fill: '#fff' }));
    lunchHatch.appendChild(sv('line', { x1: 0, y1: 0, x2: 0, y2: 4, stroke: '#e76f51', 'stroke-width': 2 }));
    defs.appendChild(lunchHatch);
    s.appendChild(defs);
    agents.forEach(function (a, i) {
      var y = TOP + i * ROW;
      if (i % 2) s.appendChild(sv('rect', { x: 0, y: y, width: W, height: ROW, fill: '#f7f8fa' }));
      s.appendChild(titled(sv('text', { x: 2, y: y + ROW - 4 }, a.name || a.id), a.id + ' — skills ' + a.skills.join(', ')));
    });
    timeAxis(s, view, X0, PW, TOP, height);
    data.gantt.leave.forEach(function (l) {
      if (l.end <= view.from || l.start >= view.to) return;
      var r = sv('rect', { class: 'leave', x: xs(l.start), width: Math.max(1, xs(l.end) - xs(l.start)), y: TOP + l.agent * ROW + 1, height: ROW - 2, fill: 'url(#leave-hatch)' });
      s.appendChild(titled(r, agents[l.agent].id + ' ' + l.type + (l.paid ? ' (paid)' : ' (unpaid)') + ' ' + clock(l.start) + ' – ' + clock(l.end)));
    });
    data.gantt.items.forEach(function (it) {
      var inView = it.end > view.from && it.start < view.to;
      var attrs = { class: 'bar' + (it.micro ? ' micro' : ''), 'data-assignment': it.assignment, 'data-agent': agents[it.agent].id, 'data-skill': it.skill,
        x: xs(it.start), width: Math.max(inView ? 1 : 0, xs(it.end) - xs(it.start)), y: TOP + it.agent * ROW + 2, height: ROW - 4, rx: 2, fill: colourOf(it.skill) };
      if (it.micro) { attrs.stroke = '#1d2330'; attrs['stroke-dasharray'] = '2 2'; attrs['stroke-width'] = 1.5; }
      if (!inView) attrs.visibility = 'hidden';
      s.appendChild(titled(sv('rect', attrs), agents[it.agent].id + ' ' + it.skill + (it.template ? ' (' + it.template + ')' : '') + (it.micro ? ' micro-shift' : '') + ' ' + clock(it.start) + ' – ' + clock(it.end)));
      (it.segments || []).forEach(function (g) { if (g.kind !== 'work' || (g.skill && g.skill !== it.skill)) s.appendChild(segmentRect(it, g, inView)); });
    });
    var legend = el('div', { class: 'legend' }, data.skills.map(function (k) { return el('span', {}, [el('i', { style: 'background:' + colourOf(k) }), k]); }).concat([
      el('span', {}, [el('i', { style: 'background:#e4e6ea;border:1px dashed #1d2330' }), 'micro-shift (dashed outline)']),
      el('span', {}, [el('i', { style: 'background:repeating-linear-gradient(45deg,#e4e6ea 0 3px,#9aa1ad 3px 5px)' }), 'leave']),
    ]).concat(segmentLegend()));
    section('gantt', 'Roster (' + data.gantt.items.length + ' shifts, ' + agents.length + ' agents)', [legend, el('div', { class: 'scroll' }, [s])]);
  }

  // --- segments inside a shift bar: breaks as a gap, lunches hatched, activities in their own colour ---
  var SEGMENT_LOOK = {
    break: { fill: '#fff', legend: 'background:#fff;border:1px solid #3a6ea5', label: 'break (gap in the bar)' },
    lunch: { fill: 'url(#lunch-hatch)', legend: 'background:repeating-linear-gradient(-45deg,#fff 0 2px,#e76f51 2px 4px)', label: 'lunch (hatched)' },
    activity: { fill: '#f4d35e', legend: 'background:#f4d35e;border:1px solid #1d2330', label: 'activity (coaching, meeting …)' },
  };
  function segmentLabel(g) { return g.kind === 'work' ? 'work (' + g.skill + ')' : g.kind + (g.activityId ? ' ' + g.activityId : ''); }
  function segmentRect(it, g, inView) {
    var look = SEGMENT_LOOK[g.kind] || (g.kind === 'work' ? { fill: colourOf(g.skill) } : SEGMENT_LOOK.activity);
    var x0 = xsOf(g.start), x1 = xsOf(g.end);
    var attrs = { class: 'seg seg-' + g.kind, 'data-assignment': it.assignment, 'data-kind': g.kind, 'data-start': clock(g.start), 'data-end': clock(g.end),
      x: x0, width: Math.max(0, x1 - x0), y: ganttTop + it.agent * ganttRow + 2, height: ganttRow - 4, fill: look.fill, stroke: g.kind === 'activity' ? '#1d2330' : 'none', 'stroke-width': 0.5 };
    if (g.activityId) attrs['data-activity'] = g.activityId;
    if (!inView) attrs.visibility = 'hidden';
    return titled(sv('rect', attrs), data.gantt.agents[it.agent].id + ' ' + segmentLabel(g) + ' ' + clock(g.start) + ' – ' + clock(g.end));
  }
  function segmentLegend() {
    var kinds = {};
    data.gantt.items.forEach(function (it) { (it.segments || []).forEach(function (g) { if (g.kind !== 'work') kinds[SEGMENT_LOOK[g.kind] ? g.kind : 'activity'] = true; }); });
    return ['break', 'lunch', 'activity'].filter(function (k) { return kinds[k]; }).map(function (k) {
      return el('span', { class: 'seg-legend', 'data-kind': k }, [el('i', { style: SEGMENT_LOOK[k].legend }), SEGMENT_LOOK[k].label]);
    });
  }

  // --- zoom: the whole horizon or one day, for coverage and Gantt together ---
  var currentView = full;
  function zoomControl() {
    var sel = el('select', { id: 'zoom', 'aria-label': 'zoom' }, [el('option', { value: '-1' }, ['whole horizon'])].concat(H.dates.map(function (d, i) { return el('option', { value: String(i) }, [d]); })));
    var i = H.dayStarts.indexOf(currentView.from);
    sel.value = currentView === full || i < 0 ? '-1' : String(i);
    sel.addEventListener('change', function () {
      var d = Number(sel.value);
      currentView = d < 0 ? full : { from: H.dayStarts[d], to: H.dayStarts[d + 1] };
      coverage(currentView);
      gantt(currentView);
    });
    return el('div', { class: 'controls' }, [el('label', {}, ['Zoom to a day: ', sel])]);
  }

  // --- costs, findings, fairness, timeline ---
  function costs() {
    var byRule = table(['rule', 'cost'], data.costs.byRule.map(function (r) { return { cells: [r.rule, fmt(r.cost)] }; }), [false, true]);
    var byAgent = data.costs.byAgent.length
      ? table(['agent', 'cost'], data.costs.byAgent.map(function (r) { return { cells: [r.agentId, fmt(r.cost)] }; }), [false, true])
      : el('p', { class: 'muted' }, ['No agent has a cost of its own (coverage costs belong to no agent).']);
    section('costs', 'Costs (total ' + fmt(data.costs.total) + ')', [el('div', { class: 'two' }, [el('div', {}, [el('h3', {}, ['per rule']), byRule]), el('div', { class: 'scroll' }, [el('h3', {}, ['per agent']), byAgent])])]);
  }
  function findings() {
    var rows = data.findings.map(function (f) { return { attrs: f.hard ? { class: 'hard' } : {}, cells: [f.hard ? 'hard' : 'soft', f.rule, f.agentId || '', f.date || '', f.hard ? '' : fmt(f.cost), f.message] }; });
    var body = rows.length ? el('div', { class: 'scroll' }, [table(['kind', 'rule', 'agent', 'date', 'cost', 'reason'], rows, [false, false, false, false, true, false])]) : el('p', {}, ['No findings: every hard rule holds and no soft rule costs anything.']);
    section('findings', 'Findings (' + data.findings.length + ')', [body]);
  }
  function fairness() {
    var f = data.fairness;
    var rows = f.agents.map(function (a) {
      var contract = a.contractMinHours === undefined && a.contractMaxHours === undefined ? '–' : fmt(a.contractMinHours === undefined ? 0 : a.contractMinHours) + ' – ' + (a.contractMaxHours === undefined ? '∞' : fmt(a.contractMaxHours));
      return { cells: [a.agentId, a.late, a.weekend, a.night, a.wishesGranted + ' / ' + a.wishes, a.wishesRefused, fmt(a.shiftHours), fmt(a.paidLeaveHours), contract] };
    });
    var sp = f.spread;
    var spread = table(['across agents', 'min', 'max', 'mean', 'sd'], [['late shifts', sp.late], ['weekend shifts', sp.weekend], ['night shifts', sp.night], ['wishes refused', sp.wishesRefused], ['shift hours', sp.shiftHours]].map(function (r) {
      return { cells: [r[0], fmt(r[1].min), fmt(r[1].max), fmt(r[1].mean), fmt(r[1].sd)] };
    }), [false, true, true, true, true]);
    var defs = el('p', { class: 'muted' }, ['Late: ' + f.definitions.late + '. Night: ' + f.definitions.night + '. Weekend: ' + f.definitions.weekend + '. Wishes: ' + f.definitions.wishes + '.']);
    var perAgent = table(['agent', 'late', 'weekend', 'night', 'wishes granted', 'refused', 'shift hours', 'paid leave h', 'contract h (horizon)'], rows, [false, true, true, true, true, true, true, true, true]);
    section('fairness', 'Fairness', [defs, spread, el('h3', {}, ['per agent']), el('div', { class: 'scroll' }, [perAgent])]);
  }
  function timeline() {
    var pts = data.progress;
    if (!pts || pts.length === 0) return section('timeline', 'Solve timeline', [el('p', { class: 'muted' }, ['The result carries no progress events (write it with flexroster solve --out to have them).'])]);
    var W = 1200, X0 = 60, PW = W - X0 - 10, TOP = 8, PH = 160;
    var vals = [];
    pts.forEach(function (p) { if (p.bestCost !== undefined) vals.push(p.bestCost); if (p.lowerBound !== undefined) vals.push(p.lowerBound); });
    var lo = Math.min.apply(null, vals.concat([0])), hi = Math.max.apply(null, vals.concat([1]));
    var tmax = Math.max(pts[pts.length - 1].elapsedSeconds, 1e-3);
    var xs = function (t) { return X0 + (t / tmax) * PW; }, ys = function (v) { return TOP + PH - ((v - lo) / (hi - lo || 1)) * PH; };
    var s = sv('svg', { viewBox: '0 0 ' + W + ' ' + (PH + TOP + 18), class: 'timeline' });
    [lo, (lo + hi) / 2, hi].forEach(function (v) { s.appendChild(sv('text', { x: 2, y: ys(v) + 4 }, fmt(v, 1))); s.appendChild(sv('line', { x1: X0, x2: X0 + PW, y1: ys(v), y2: ys(v), stroke: '#eee' })); });
    s.appendChild(sv('text', { x: X0 + PW - 60, y: TOP + PH + 14 }, fmt(tmax, 1) + ' s'));
    [['bestCost', '#3a6ea5', 'incumbent'], ['lowerBound', '#2a9d8f', 'bound']].forEach(function (line) {
      var d = '';
      pts.forEach(function (p, i) {
        var v = p[line[0]];
        if (v === undefined) return;
        var next = pts[i + 1] ? pts[i + 1].elapsedSeconds : p.elapsedSeconds;
        d += (d ? 'L' : 'M') + xs(p.elapsedSeconds) + ' ' + ys(v) + 'L' + xs(next) + ' ' + ys(v);
      });
      if (d) s.appendChild(titled(sv('path', { class: line[0], d: d, fill: 'none', stroke: line[1], 'stroke-width': 2 }), line[2]));
    });
    var legend = el('div', { class: 'legend' }, [el('span', {}, [el('i', { style: 'background:#3a6ea5' }), 'incumbent (best cost)']), el('span', {}, [el('i', { style: 'background:#2a9d8f' }), 'lower bound'])]);
    section('timeline', 'Solve timeline', [legend, s]);
  }

  var draw = { kpis: kpis, coverage: function () { coverage(full); }, gantt: function () { gantt(full); }, costs: costs, findings: findings, fairness: fairness, timeline: timeline };
  (panels || ALL).forEach(function (p) { draw[p](); });
  }
})();
