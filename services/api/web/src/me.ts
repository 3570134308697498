// The agent's phone page: the agent comes from the key (GET /v1/me), never from the URL, so the page
// asks only for that agent's schedule, balance and requests — the routes would refuse anything else.
(function () {
  'use strict';
  var F = window.Flex, el = F.el, fill = F.fill, api = F.api;
  var root = F.$('root');
  var me, scheduleId, shifts = [];

  F.signIn(root, function (who) { return who.role === 'agent' ? '' : 'This page is for agent keys; planners use /app.'; }, function (who) {
    me = who.agentId;
    F.$('signout').hidden = false;
    F.$('signout').addEventListener('click', F.signOut);
    if (who.schedules.length === 0) return fill(root, [el('p', { class: 'card', id: 'none' }, ['No published schedule has you in it yet.'])]);
    scheduleId = who.schedules[0].id;
    // The newest published schedule first; an agent in several picks one.
    var pick = el('select', { id: 'schedule', 'aria-label': 'schedule' }, who.schedules.map(function (s) { return el('option', { value: s.id }, [(s.name || s.id) + ' v' + s.version]); }));
    pick.addEventListener('change', function () { scheduleId = (<HTMLSelectElement>pick).value; refresh(); });
    fill(root, [
      el('p', { class: 'muted row', id: 'whoami' }, ['Signed in as ' + me, pick]),
      el('section', { id: 'next' }), el('section', { id: 'week' }), el('section', { id: 'balance' }),
      el('section', { id: 'requests' }), el('section', { id: 'ask' }), el('section', { id: 'feed' }),
    ]);
    refresh();
    feedPanel();
  });

  function refresh() {
    return Promise.all([
      api('GET', '/v1/schedules/' + scheduleId + '/agents/' + encodeURIComponent(me)),
      api('GET', '/v1/agents/' + encodeURIComponent(me) + '/leave-balance'),
      api('GET', '/v1/schedules/' + scheduleId + '/swap-requests'),
      api('GET', '/v1/schedules/' + scheduleId + '/leave-requests'),
      api('GET', '/v1/schedules/' + scheduleId + '/extension-requests'),
    ]).then(function (r) {
      shifts = r[0].body.shifts;
      nextPanel(r[0].body);
      weekPanel(r[0].body);
      fill(F.$('balance'), [el('h2', {}, ['Leave balance']), el('p', { class: 'big', id: 'balance-hours' }, [r[1].body.balanceHours + ' h'])]);
      requestsPanel(r[2].body, r[3].body, r[4].body);
      askPanel();
    }).catch(showError);
  }
  function showError(err) { root.insertBefore(el('p', { class: 'card error', role: 'alert' }, [err.message]), root.firstChild); }
  function shiftText(s) { return F.local(s.startLocal) + ' – ' + F.local(s.endLocal).slice(11) + ' ' + s.skill; }

  function nextPanel(view) {
    var now = Date.now();
    var next = shifts.filter(function (s) { return Date.parse(s.endUtc) > now; }).slice(0, 3);
    fill(F.$('next'), [el('h2', {}, ['Next shifts']), next.length ? el('ul', { class: 'list' }, next.map(function (s) { return el('li', {}, [shiftText(s)]); })) : el('p', { class: 'muted' }, ['No shift ahead in this schedule (' + view.timeZone + ').'])]);
  }
  function weekPanel(view) {
    var items = shifts.map(function (s) { return el('li', { class: 'shift', 'data-start': s.start }, [shiftText(s), shiftBar(s), breakLine(s)]); });
    fill(F.$('week'), [el('h2', {}, ['My week (' + view.timeZone + ')']), segmentLegend(), items.length ? el('ul', { class: 'list', id: 'my-shifts' }, items) : el('p', { class: 'muted', id: 'my-shifts' }, ['No shifts.'])]);
  }

  // --- inside a shift: its segments (breaks, lunches, activities) as the service lists them; a shift without
  // segments is one work segment and shows a plain bar ---
  var SEGMENT_KINDS = { break: 'break', lunch: 'lunch', activity: 'activity' };
  /** Breaks, lunches, activities, and work on a skill other than the shift's: what an agent needs told. */
  function offPhone(s) { return (s.segments || []).filter(function (g) { return g.kind !== 'work' || (g.skill && g.skill !== s.skill); }); }
  function hm(iso) { return String(iso).slice(11, 16); }
  function segmentText(g) { return (g.kind === 'work' ? 'work (' + g.skill + ')' : g.kind + (g.activityId ? ' ' + g.activityId : '')) + ' ' + hm(g.startLocal) + '–' + hm(g.endLocal); }
  function shiftBar(s) {
    var t0 = Date.parse(s.startUtc), length = Date.parse(s.endUtc) - t0;
    var pieces = offPhone(s).map(function (g) {
      var left = ((Date.parse(g.startUtc) - t0) / length) * 100, width = ((Date.parse(g.endUtc) - Date.parse(g.startUtc)) / length) * 100;
      return el('span', { class: 'seg seg-' + (SEGMENT_KINDS[g.kind] || (g.kind === 'work' ? 'work' : 'activity')), 'data-kind': g.kind, 'data-start': hm(g.startLocal), 'data-end': hm(g.endLocal), title: segmentText(g), style: 'left:' + left + '%;width:' + width + '%' });
    });
    return el('div', { class: 'shiftbar', role: 'img', 'aria-label': pieces.length ? 'shift with ' + offPhone(s).map(segmentText).join(', ') : 'shift without breaks' }, pieces);
  }
  function breakLine(s) { var g = offPhone(s); return g.length ? el('div', { class: 'muted segments' }, [g.map(segmentText).join(' · ')]) : null; }
  function segmentLegend() {
    var seen = {};
    shifts.forEach(function (s) { offPhone(s).forEach(function (g) { if (g.kind !== 'work') seen[SEGMENT_KINDS[g.kind] || 'activity'] = true; }); });
    var kinds = ['break', 'lunch', 'activity'].filter(function (k) { return seen[k]; });
    return kinds.length ? el('div', { class: 'legend', id: 'segment-legend' }, kinds.map(function (k) { return el('span', { 'data-kind': k }, [el('i', { class: 'seg-' + k }), k]); })) : null;
  }

  function requestsPanel(swaps, leave, ext) {
    var rows = [];
    swaps.forEach(function (r) {
      var s = r.swap, text = s.kind === 'exchange' ? 'exchange ' + s.agentA + ' ' + F.local(s.shiftA.start) + ' ⇄ ' + s.agentB + ' ' + F.local(s.shiftB.start) : 'give-away ' + r.fromAgent + ' → ' + (r.toAgent || 'anyone') + ' ' + F.local(s.shift.start);
      var actions = [];
      if ((r.status === 'awaiting-counterpart' && r.toAgent === me) || (r.status === 'open' && r.fromAgent !== me))
        actions.push(el('button', { type: 'button', class: 'accept', 'data-request': r.id, onclick: function () { act(api('POST', '/v1/schedules/' + scheduleId + '/swap-requests/' + r.id + '/accept')); } }, ['Accept']));
      rows.push(item('swap', r, text, actions));
    });
    leave.forEach(function (r) { rows.push(item('leave', r, 'leave ' + F.local(r.start || (r.leave && r.leave.start)) + ' – ' + F.local(r.end || (r.leave && r.leave.end)), [])); });
    ext.forEach(function (r) { rows.push(item('extension', r, 'extension of ' + F.local((r.shift || (r.extension && r.extension.shift) || {}).start || '') + ' by ' + (r.extendMinutes || (r.extension && r.extension.extendMinutes)) + ' min', [])); });
    fill(F.$('requests'), [el('h2', {}, ['My requests']), rows.length ? el('ul', { class: 'list', id: 'request-list' }, rows) : el('p', { class: 'muted', id: 'request-list' }, ['None yet.'])]);
  }
  function item(kind, r, text, actions) {
    return el('li', { class: 'request', 'data-kind': kind, 'data-status': r.status, 'data-request': r.id }, [
      el('div', { class: 'row' }, [el('span', { class: 'status' }, [r.status]), text]),
      el('div', { class: 'muted reason' }, [(r.check ? F.checkLines(r.check) : r.hours !== undefined ? ['covers ' + r.hours + ' h of your shifts'] : F.checkLines(r.check)).join(' · ')]),
      actions.length ? el('div', { class: 'row' }, actions) : null,
    ]);
  }
  function act(promise) { return promise.then(refresh).catch(showError); }

  function shiftSelect(id) {
    return el('select', { id: id, 'aria-label': 'my shift' }, shifts.map(function (s, i) { return el('option', { value: String(i) }, [shiftText(s)]); }));
  }
  function ref(s) { return { start: s.start, end: s.end }; }
  /** The colleagues the service finds could take the chosen shift (every hard rule kept), cheapest first. */
  function candidates() {
    var mine = shifts[Number(F.$('give-shift').value)];
    var q = '?start=' + encodeURIComponent(mine.start) + '&end=' + encodeURIComponent(mine.end);
    api('GET', '/v1/schedules/' + scheduleId + '/agents/' + encodeURIComponent(me) + '/swap-candidates' + q).then(function (r) {
      var list = F.$('candidate-list');
      if (r.body.length === 0) return fill(list, [el('li', { class: 'muted' }, ['Nobody could take it without breaking a rule.'])]);
      fill(list, r.body.map(function (c) {
        return el('li', { class: 'candidate', 'data-agent': c.agentId }, [el('button', { type: 'button', class: 'secondary', onclick: function () { (<HTMLInputElement>F.$('give-to')).value = c.agentId; } }, [c.agentId]),
          ' cost ' + (c.costDelta > 0 ? '+' : '') + c.costDelta + ', under-staffing ' + (c.coverageDelta.understaffedAgentHours > 0 ? '+' : '') + c.coverageDelta.understaffedAgentHours + ' agent-h']);
      }));
    }).catch(showError);
  }
  function askPanel() {
    var give = el('form', { id: 'give' }, [el('h3', {}, ['Give away or exchange a shift']),
      el('label', {}, ['my shift', shiftSelect('give-shift')]),
      el('div', { class: 'row' }, [el('button', { type: 'button', class: 'secondary', id: 'give-candidates', onclick: candidates }, ['Who could take it?'])]),
      el('ul', { class: 'list', id: 'candidate-list' }),
      el('label', {}, ['colleague (agent id)', el('input', { id: 'give-to', required: true, autocomplete: 'off' })]),
      el('label', {}, ['their shift in exchange (start, end as in the schedule; empty for a give-away)', el('input', { id: 'give-back-start', placeholder: '2026-03-24T10:00' }), el('input', { id: 'give-back-end', placeholder: '2026-03-24T18:00' })]),
      el('button', { type: 'submit' }, ['Send'])]);
    give.addEventListener('submit', function (e) {
      e.preventDefault();
      var mine = shifts[Number(F.$('give-shift').value)], to = F.$('give-to').value.trim(), bs = F.$('give-back-start').value.trim();
      var swap = bs ? { kind: 'exchange', agentA: me, shiftA: ref(mine), agentB: to, shiftB: { start: bs, end: F.$('give-back-end').value.trim() } } : { kind: 'give-away', fromAgent: me, toAgent: to, shift: ref(mine) };
      act(api('POST', '/v1/schedules/' + scheduleId + '/swap-requests', { swap: swap }));
    });
    var leave = el('form', { id: 'leave' }, [el('h3', {}, ['Leave of a few hours']),
      el('label', {}, ['from', el('input', { id: 'leave-start', type: 'datetime-local', required: true })]),
      el('label', {}, ['to', el('input', { id: 'leave-end', type: 'datetime-local', required: true })]),
      el('label', {}, ['type', el('input', { id: 'leave-type', value: 'annual', required: true })]),
      el('button', { type: 'submit' }, ['Ask for leave'])]);
    leave.addEventListener('submit', function (e) {
      e.preventDefault();
      act(api('POST', '/v1/schedules/' + scheduleId + '/leave-requests', { agentId: me, start: F.$('leave-start').value, end: F.$('leave-end').value, type: F.$('leave-type').value }));
    });
    var ext = el('form', { id: 'extend' }, [el('h3', {}, ['Extend a shift']),
      el('label', {}, ['my shift', shiftSelect('extend-shift')]),
      el('label', {}, ['minutes', el('input', { id: 'extend-minutes', type: 'number', min: '15', step: '15', value: '60' })]),
      el('label', {}, ['at', el('select', { id: 'extend-at' }, [el('option', { value: 'end' }, ['end']), el('option', { value: 'start' }, ['start'])])]),
      el('button', { type: 'submit' }, ['Ask to extend'])]);
    ext.addEventListener('submit', function (e) {
      e.preventDefault();
      act(api('POST', '/v1/schedules/' + scheduleId + '/extension-requests', { agentId: me, shift: ref(shifts[Number(F.$('extend-shift').value)]), extendMinutes: Number(F.$('extend-minutes').value), at: F.$('extend-at').value }));
    });
    fill(F.$('ask'), [el('h2', {}, ['Ask']), shifts.length ? give : null, leave, shifts.length ? ext : null]);
  }

  function feedPanel() {
    var out = el('p', { class: 'feed', id: 'feed-url' });
    var btn = el('button', { type: 'button', id: 'feed-create', class: 'secondary' }, ['Create my calendar feed link']);
    btn.addEventListener('click', function () {
      api('POST', '/v1/agents/' + encodeURIComponent(me) + '/feed-token').then(function (r) {
        var url = location.origin + '/v1/schedules/' + scheduleId + '/agents/' + encodeURIComponent(me) + '/calendar.ics?token=' + encodeURIComponent(r.body.token);
        fill(out, [el('a', { href: url.replace(/^https?:/, 'webcal:') }, ['Add to my calendar']), el('br'), url, el('br'), el('span', { class: 'muted' }, ['Valid until ' + r.body.expiresAt + '; a new link revokes the old one.'])]);
      }).catch(showError);
    });
    fill(F.$('feed'), [el('h2', {}, ['Calendar']), btn, out]);
  }
})();
