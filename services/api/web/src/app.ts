// The planner page: stored schedules, their charts (the report's coverage and Gantt code), pending
// requests with their rule check and coverage impact, approve or reject, and a re-solve as a solve job
// followed live (the job's event stream read with fetch, since EventSource cannot send the key), saved
// as the schedule's next version (PUT /v1/schedules/{id}/roster with If-Match) with that version's changes.
(function () {
  'use strict';
  var F = window.Flex, el = F.el, fill = F.fill, api = F.api;
  var root = F.$('root');
  var current = null; // the open schedule (GET /v1/schedules/{id})

  F.signIn(root, function (who) { return who.role === 'planner' ? '' : 'This page is for planner keys; agents use /me.'; }, function () {
    F.$('signout').hidden = false;
    F.$('signout').addEventListener('click', F.signOut);
    fill(root, [el('div', { class: 'grid2' }, [
      el('div', {}, [el('section', { id: 'schedules' }), el('section', { id: 'pending' }), el('section', { id: 'resolve' })]),
      el('div', {}, [el('section', { id: 'head' }), el('section', { id: 'kpis' }), el('section', { id: 'coverage' }), el('section', { id: 'gantt' }), el('section', { id: 'changes' })]),
    ])]);
    listSchedules();
  });

  function showError(err) { root.insertBefore(el('p', { class: 'card error', role: 'alert' }, [err.message]), root.firstChild); }

  function listSchedules() {
    return api('GET', '/v1/schedules').then(function (r) {
      var items = r.body.map(function (s) {
        return el('li', { 'data-schedule': s.id }, [el('div', { class: 'row' }, [
          el('button', { type: 'button', class: 'secondary open', onclick: function () { open(s.id); } }, ['Open']),
          (s.name || s.id) + ' v' + s.version, el('span', { class: 'status' }, [s.publishedAt ? 'published' : 'draft']),
        ])]);
      });
      fill(F.$('schedules'), [el('h2', {}, ['Schedules']), items.length ? el('ul', { class: 'list' }, items) : el('p', { class: 'muted' }, ['No stored schedule yet (POST /v1/schedules).'])]);
      if (!current && r.body.length) return open(r.body[r.body.length - 1].id);
    }).catch(showError);
  }

  function open(id) {
    return Promise.all([api('GET', '/v1/schedules/' + id), api('GET', '/v1/schedules/' + id + '/report')]).then(function (r) {
      current = r[0].body;
      fill(F.$('head'), [el('h2', { id: 'schedule-title' }, [(current.name || current.id) + ' · version ' + current.version]),
        el('div', { class: 'row' }, [
          el('span', { class: 'status', id: 'published' }, [current.publishedAt ? 'published ' + current.publishedAt : 'draft']),
          current.publishedAt ? null : el('button', { type: 'button', id: 'publish', onclick: publish }, ['Publish']),
        ])]);
      window.FlexrosterReport.render(r[1].body, ['kpis', 'coverage', 'gantt']);
      resolvePanel();
      return pending();
    }).catch(showError);
  }
  function publish() {
    api('POST', '/v1/schedules/' + current.id + '/publish', undefined, { 'if-match': '"' + current.version + '"' }).then(function () { return open(current.id); }).then(listSchedules).catch(showError);
  }

  var KINDS = [['swap-requests', 'swap'], ['leave-requests', 'leave'], ['extension-requests', 'extension']];
  function pending() {
    var base = '/v1/schedules/' + current.id + '/';
    return Promise.all(KINDS.map(function (k) { return api('GET', base + k[0]); })).then(function (all) {
      var rows = [];
      all.forEach(function (r, i) {
        r.body.filter(function (q) { return q.status === 'awaiting-approval' || q.status === 'pending'; }).forEach(function (q) { rows.push(requestItem(KINDS[i], q)); });
      });
      fill(F.$('pending'), [el('h2', {}, ['Pending requests (' + rows.length + ')']), rows.length ? el('ul', { class: 'list', id: 'pending-list' }, rows) : el('p', { class: 'muted', id: 'pending-list' }, ['Nothing awaits approval.'])]);
    });
  }
  function describe(kind, q) {
    if (kind === 'swap') {
      var s = q.swap;
      return s.kind === 'exchange' ? 'exchange: ' + s.agentA + ' ' + F.local(s.shiftA.start) + ' ⇄ ' + s.agentB + ' ' + F.local(s.shiftB.start) : 'give-away: ' + s.fromAgent + ' → ' + s.toAgent + ', ' + F.local(s.shift.start) + ' – ' + F.local(s.shift.end).slice(11);
    }
    if (kind === 'leave') return 'leave: ' + q.agentId + ' ' + F.local(q.start) + ' – ' + F.local(q.end) + (q.hours !== undefined ? ' (' + q.hours + ' h of shifts)' : '');
    return 'extension: ' + q.agentId + ' ' + (q.extendMinutes || '') + ' min at the ' + (q.at || '');
  }
  function impact(check) {
    var d = check && check.coverageDelta;
    if (!d) return null;
    var parts = [];
    ['understaffedAgentHours', 'overstaffedAgentHours'].forEach(function (k) { if (d[k] !== undefined) parts.push(k.replace('AgentHours', '') + ' ' + (d[k] > 0 ? '+' : '') + d[k] + ' agent-h'); });
    if (check.costDelta !== undefined) parts.push('cost ' + (check.costDelta > 0 ? '+' : '') + check.costDelta);
    return el('div', { class: 'muted' }, ['coverage impact: ' + (parts.length ? parts.join(', ') : JSON.stringify(d))]);
  }
  function requestItem(k, q) {
    var base = '/v1/schedules/' + current.id + '/' + k[0] + '/' + q.id;
    var decide = function (verb) {
      return function () {
        api('POST', base + '/' + verb, verb === 'approve' ? {} : undefined, { 'if-match': '"' + current.version + '"' }).then(function () { return open(current.id); }).then(listSchedules).catch(showError);
      };
    };
    return el('li', { class: 'request', 'data-kind': k[1], 'data-request': q.id }, [
      el('div', {}, [describe(k[1], q)]),
      el('div', { class: 'muted' }, [q.check ? F.checkLines(q.check).join(' · ') : k[1] === 'leave' ? 'no rule check: leave only removes working time' : F.checkLines(q.check).join(' · ')]),
      impact(q.check || q.impact),
      el('div', { class: 'row' }, [el('button', { type: 'button', class: 'approve', onclick: decide('approve') }, ['Approve']), el('button', { type: 'button', class: 'secondary reject', onclick: decide('reject') }, ['Reject'])]),
    ]);
  }

  // --- re-solve: a solve job on the open schedule's scenario, followed live, then its changes ---
  function resolvePanel() {
    var limit = el('input', { id: 'resolve-seconds', type: 'number', min: '1', max: '600', value: '5', 'aria-label': 'time limit in seconds' });
    var progress = el('ul', { class: 'list', id: 'resolve-progress' });
    var btn = el('button', { type: 'button', id: 'resolve-start' }, ['Re-solve']);
    btn.addEventListener('click', function () {
      btn.disabled = true;
      fill(progress, []);
      fill(F.$('changes'), []);
      var from = current;
      api('POST', '/v1/solve-jobs', { scenario: from.scenario, options: { timeLimitSeconds: Number(limit.value) } })
        .then(function (r) { return follow(r.body.id, progress); })
        .then(function (id) { return api('GET', '/v1/solve-jobs/' + id); })
        .then(function (r) { changes(from, r.body); })
        .catch(showError)
        .then(function () { btn.disabled = false; });
    });
    fill(F.$('resolve'), [el('h2', {}, ['Re-solve']), el('div', { class: 'row' }, [el('label', {}, ['time limit (s)', limit]), btn]), progress]);
  }
  /** Reads the job's server-sent events (fetch, so that the key goes in a header) until the stream ends after `done`. */
  function follow(id, list) {
    return fetch('/v1/solve-jobs/' + id + '/events', { headers: { authorization: 'Bearer ' + sessionStorage.getItem('flexroster.key'), accept: 'text/event-stream' } }).then(function (res) {
      if (!res.ok) throw new Error('events: ' + res.status);
      var reader = res.body.getReader(), decoder = new TextDecoder(), buf = '';
      function step() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return id;
          buf += decoder.decode(chunk.value, { stream: true });
          var parts = buf.split('\n\n');
          buf = parts.pop();
          parts.forEach(function (block) {
            var ev = /^event: (\w+)/m.exec(block), data = /^data: (.*)$/m.exec(block);
            if (!ev || !data) return;
            var v = JSON.parse(data[1]), p = v.progress || {};
            list.appendChild(el('li', { class: 'progress', 'data-event': ev[1] }, [v.status + ' · ' + (p.phase || '') + ' · best ' + (p.bestCost === null || p.bestCost === undefined ? '–' : p.bestCost) + ' · bound ' + (p.lowerBound === null || p.lowerBound === undefined ? '–' : p.lowerBound) + ' · ' + (p.elapsedSeconds || 0).toFixed(1) + ' s']));
          });
          // The server ends the stream after `done`: read to its end (cancelling would abort the request).
          return step();
        });
      }
      return step();
    });
  }
  /** A shift by its agent's wall-clock times: a solve writes them with an offset, a stored roster may not. */
  function shiftKey(a: Assignment): string { return a.agentId + ' ' + a.start.slice(0, 16) + ' ' + a.end.slice(0, 16) + ' ' + a.skill; }
  function shiftCell(a) { return a ? F.local(a.start) + ' – ' + F.local(a.end).slice(11) + ' ' + a.skill : ''; }
  function table(id, head, rows) {
    return el('table', { id: id }, [el('thead', {}, [el('tr', {}, head.map(function (h) { return el('th', {}, [h]); }))]), el('tbody', {}, rows)]);
  }
  /** The job's roster against the schedule's (shifts removed and added), and saving it as the schedule's next version. */
  function changes(from, job) {
    if (!job.result || !job.result.roster) return fill(F.$('changes'), [el('h2', {}, ['Changes']), el('p', { class: 'error' }, ['The job ended ' + job.status + ' without a roster.'])]);
    var before = new Map<string, Assignment>(from.roster.assignments.map(function (a) { return [shiftKey(a), a]; }));
    var after = new Map<string, Assignment>(job.result.roster.assignments.map(function (a) { return [shiftKey(a), a]; }));
    var rows = [];
    before.forEach(function (a, k) { if (!after.has(k)) rows.push(el('tr', { class: 'removed' }, [el('td', {}, ['−']), el('td', {}, [a.agentId]), el('td', {}, [F.local(a.start)]), el('td', {}, [F.local(a.end)]), el('td', {}, [a.skill])])); });
    after.forEach(function (a, k) { if (!before.has(k)) rows.push(el('tr', { class: 'added' }, [el('td', {}, ['+']), el('td', {}, [a.agentId]), el('td', {}, [F.local(a.start)]), el('td', {}, [F.local(a.end)]), el('td', {}, [a.skill])])); });
    var save = el('button', { type: 'button', id: 'resolve-save' }, ['Save as new version']);
    var outcome = el('div', { id: 'save-outcome' });
    // The versioned write: If-Match names the version the re-solve started from, so a change made meanwhile
    // (an approval, another planner) is a 409 shown here, never overwritten.
    save.addEventListener('click', function () {
      save.disabled = true;
      api('PUT', '/v1/schedules/' + from.id + '/roster', { roster: job.result.roster }, { 'if-match': '"' + from.version + '"' })
        .then(function (r) { return open(from.id).then(function () { return versionChanges(r.body, from.version); }); })
        .then(listSchedules)
        .catch(function (err) {
          fill(outcome, [el('p', { class: 'error', role: 'alert', id: 'save-error' }, ['Not saved (' + (err.status || 'error') + '): ' + err.message])]);
          // Show the schedule as it is now; a re-solve from it can be saved.
          if (err.status === 409 || err.status === 412) return open(from.id).then(listSchedules);
        });
    });
    fill(F.$('changes'), [el('h2', {}, ['Changes of the re-solve against version ' + from.version + ' (' + rows.length + ' shifts; cost ' + job.result.cost + ')']),
      rows.length ? table('changes-table', ['', 'agent', 'start', 'end', 'skill'], rows) : el('p', { class: 'muted', id: 'changes-table' }, ['The same shifts.']),
      el('div', { class: 'row' }, [save]), outcome]);
  }
  /** After a save: the new version's changes against the one before, as the service lists them. */
  function versionChanges(saved, previous) {
    return api('GET', '/v1/schedules/' + saved.id + '/changes?from=' + previous + '&to=' + saved.version).then(function (r) {
      var rows = r.body.changes.map(function (c) {
        var kind = c.before && c.after ? 'moved' : c.after ? 'added' : 'removed';
        return el('tr', { class: kind }, [el('td', {}, [kind]), el('td', {}, [c.agentId]), el('td', {}, [shiftCell(c.before)]), el('td', {}, [shiftCell(c.after)])]);
      });
      fill(F.$('changes'), [el('h2', { id: 'saved-version' }, ['Saved as version ' + saved.version]),
        el('p', { class: 'muted' }, [rows.length + ' shift changes from version ' + previous + ' to ' + saved.version + (saved.publishedAt ? '; the schedule is published, so its agents see version ' + saved.version + ' now.' : '; still a draft.')]),
        rows.length ? table('version-changes', ['', 'agent', 'before', 'after'], rows) : el('p', { class: 'muted', id: 'version-changes' }, ['No shift changed.'])]);
    });
  }
})();
