// Shared by /app and /me: sign-in (the key lives in sessionStorage for this browser session only, never
// in a URL or localStorage), calls to the REST routes with that key, and small DOM helpers. Text only
// ever goes through textContent or attributes, never innerHTML.
(function () {
  'use strict';
  var KEY = 'flexroster.key';

  function el(tag: string, attrs?: Record<string, any>, children?: Array<Node | string | number | null | undefined>): HTMLElement {
    var n = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'style') n.style.cssText = attrs[k];
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    }
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) n.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c); });
    return n;
  }
  function fill(node: HTMLElement, children: Array<Node | null | undefined>): HTMLElement { node.textContent = ''; children.forEach(function (c) { if (c) node.appendChild(c); }); return node; }
  function $(id: string): HTMLElement { return document.getElementById(id); }

  /** A REST call with the session's key; resolves to { status, body, headers }, rejects with the problem's detail on 4xx/5xx. */
  function api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }> {
    var h: Record<string, string> = Object.assign({ authorization: 'Bearer ' + sessionStorage.getItem(KEY) }, headers || {});
    if (method !== 'GET') h['idempotency-key'] = crypto.randomUUID();
    if (body !== undefined) h['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }).then(function (res) {
      var type = res.headers.get('content-type') || '';
      return (type.indexOf('json') >= 0 ? res.json() : res.text()).then(function (b) {
        if (!res.ok) {
          var err: Error & { status?: number; body?: unknown } = new Error((b && (b.detail || b.title)) || res.status + ' ' + res.statusText);
          err.status = res.status;
          err.body = b;
          throw err;
        }
        return { status: res.status, body: b, headers: res.headers };
      });
    });
  }

  /** Shows the sign-in form until a key that `accept(me)` takes is entered; then calls `start(me)`. */
  function signIn(root: HTMLElement, accept: (me: any) => string, start: (me: any) => void): void {
    function tryKey() {
      return api('GET', '/v1/me').then(function (r) {
        var why = accept(r.body);
        if (why) throw new Error(why);
        start(r.body);
      });
    }
    function form(message?: string): HTMLElement {
      var input = <HTMLInputElement>el('input', { type: 'password', id: 'key', autocomplete: 'off', 'aria-label': 'API key', placeholder: 'API key' });
      var f = el('form', { id: 'signin', class: 'card' }, [el('h2', {}, ['Sign in']), el('p', { class: 'muted' }, ['Your API key is kept for this browser session only.']), input, el('button', { type: 'submit' }, ['Sign in']), message ? el('p', { class: 'error', role: 'alert' }, [message]) : null]);
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        sessionStorage.setItem(KEY, input.value.trim());
        tryKey().catch(function (err) { sessionStorage.removeItem(KEY); fill(root, [form(err.message)]); });
      });
      return f;
    }
    if (sessionStorage.getItem(KEY)) tryKey().catch(function (err) { sessionStorage.removeItem(KEY); fill(root, [form(err.message)]); });
    else fill(root, [form()]);
  }
  function signOut() { sessionStorage.removeItem(KEY); location.reload(); }

  /** A request's rule check as text lines: allowed or not, and every reason. */
  function checkLines(check: any): string[] {
    if (!check) return ['not checked yet'];
    var lines = [check.allowed ? 'rule check: allowed' : 'rule check: NOT allowed'];
    (check.reasons || check.violations || []).forEach(function (r) { lines.push(typeof r === 'string' ? r : (r.agentId ? r.agentId + ': ' : '') + (r.message || r.rule || JSON.stringify(r))); });
    return lines;
  }
  function local(iso: string): string { return String(iso).replace('T', ' ').slice(0, 16); }

  window.Flex = { el: el, fill: fill, $: $, api: api, signIn: signIn, signOut: signOut, checkLines: checkLines, local: local };
})();
