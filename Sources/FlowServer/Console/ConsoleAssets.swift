/// The console's assets, embedded in the binary (no CDN, no build step). Edit them here.
enum ConsoleAssets {
  /// The page at `/`: a shell that loads the script and the style sheet.
  static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flow console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<header>
  <span class="brand">flow</span>
  <nav>
    <a href="#/executions" data-page="executions">Executions</a> &nbsp;
    <a href="#/models" data-page="models">Models</a> &nbsp;
    <a href="#/endpoints" data-page="endpoints">Endpoints</a> &nbsp;
    <a href="#/schedules" data-page="schedules">Schedules</a>
  </nav>
  <span class="spacer"></span>
  <button id="sign-in" hidden>Sign in</button>
  <button id="sign-out" hidden>Sign out</button>
  <form id="login" hidden>
    <span id="login-reason"></span>
    <input id="key-id" placeholder="access key id" autocomplete="username">
    <input id="secret" type="password" placeholder="secret access key" autocomplete="current-password">
    <button type="submit">Sign in</button>
  </form>
</header>
<main id="app"></main>
</body>
</html>
"""#

  /// The style sheet (`/console/app.css`).
  static let style = #"""
:root { --running: #3b82f6; --succeeded: #16a34a; --failed: #dc2626; --caught: #f59e0b; --not-reached: #d1d5db; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #111827; background: #f9fafb; }
header { display: flex; align-items: center; gap: 1.5em; padding: .6em 1.2em; background: #111827; color: #f9fafb; flex-wrap: wrap; }
header a { color: #e5e7eb; text-decoration: none; }
header a.active { color: #fff; font-weight: 600; border-bottom: 2px solid #60a5fa; }
header .brand { font-weight: 700; }
header .spacer { flex: 1; }
header input { width: 10em; }
main { padding: 1em 1.2em; }
h1 { font-size: 1.3em; margin: .2em 0 .6em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .5em; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
pre { margin: 0; max-height: 16em; overflow: auto; white-space: pre-wrap; word-break: break-word; font-size: 12px; }
.status { display: inline-block; padding: 0 .5em; border-radius: .8em; font-size: 12px; font-weight: 600; color: #fff; background: #6b7280; }
.status.RUNNING { background: var(--running); } .status.SUCCEEDED { background: var(--succeeded); }
.status.FAILED, .status.TIMED_OUT { background: var(--failed); } .status.ABORTED { background: #6b7280; }
.status.CAUGHT { background: var(--caught); } .status.NOT_REACHED { background: var(--not-reached); color: #374151; }
.filters { display: flex; gap: 1em; margin-bottom: .8em; align-items: center; }
.actions { margin: .6em 0; display: flex; gap: .6em; }
button { padding: .3em .9em; border-radius: .3em; border: 1px solid #9ca3af; background: #fff; cursor: pointer; }
button.danger { border-color: var(--failed); color: var(--failed); }
.message { margin: .5em 0; padding: .4em .7em; background: #fef3c7; border: 1px solid #f59e0b; border-radius: .3em; }
.message.error { background: #fee2e2; border-color: var(--failed); }
.graph { background: #fff; border: 1px solid #e5e7eb; padding: .5em; overflow: auto; max-height: 40em; }
.graph svg { max-width: 100%; height: auto; }
.legend span { margin-right: .8em; }
.meta td:first-child { width: 10em; color: #4b5563; }
.chart { background: #fff; border: 1px solid #e5e7eb; }
.muted { color: #6b7280; }
"""#

  /// The script (`/console/app.js`): renders every page from `/console/api/…`, as text nodes only.
  static let script = #"""
'use strict';
// flow console: every value from the server is put in the page as text (textContent / setAttribute), never as HTML.
const app = document.getElementById('app');
const COLORS = { RUNNING: '#3b82f6', SUCCEEDED: '#16a34a', FAILED: '#dc2626', CAUGHT: '#f59e0b', NOT_REACHED: '#d1d5db' };
let timer = null;
let session = { actionsNeedCredentials: false, readingNeedsCredentials: false, graphviz: 'available' };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
function svgEl(tag, attrs, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = String(text);
  return node;
}
function time(seconds) { return seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : ''; }
function duration(record) {
  const end = record.stopTime || Date.now() / 1000;
  const s = Math.max(0, end - record.startTime);
  return s < 60 ? s.toFixed(1) + ' s' : (s / 60).toFixed(1) + ' min';
}
function badge(status) { return el('span', { class: 'status ' + status, 'data-status': status }, status); }
function pretty(value) {
  if (value === undefined) return '';
  if (typeof value === 'string') { try { return JSON.stringify(JSON.parse(value), null, 2); } catch (e) { return value; } }
  return JSON.stringify(value, null, 2);
}

// Credentials: HTTP Basic with the access key id and secret, kept in this tab's sessionStorage.
function credentials() { return sessionStorage.getItem('flow-console-auth'); }
function authHeaders() { const auth = credentials(); return auth ? { Authorization: 'Basic ' + auth } : {}; }
function showLogin(reason) {
  const form = document.getElementById('login');
  form.hidden = false;
  document.getElementById('login-reason').textContent = reason || '';
}
function setupLogin() {
  const form = document.getElementById('login');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = document.getElementById('key-id').value, secret = document.getElementById('secret').value;
    sessionStorage.setItem('flow-console-auth', btoa(unescape(encodeURIComponent(id + ':' + secret))));
    form.hidden = true;
    updateSignedIn();
    route();
  });
  document.getElementById('sign-in').addEventListener('click', () => showLogin(''));
  document.getElementById('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem('flow-console-auth');
    updateSignedIn();
  });
  updateSignedIn();
}
function updateSignedIn() {
  const signedIn = credentials() !== null;
  document.getElementById('sign-out').hidden = !signedIn;
  document.getElementById('sign-in').hidden = signedIn || !session.actionsNeedCredentials;
}

async function api(path) {
  const response = await fetch('/console/api/' + path, { headers: authHeaders() });
  const body = await response.json();
  if (response.status === 401) { showLogin(body.error); throw new Error(body.error); }
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}
async function act(id, action) {
  const response = await fetch('/console/api/executions/' + encodeURIComponent(id) + '/' + action, {
    method: 'POST', headers: Object.assign({ 'X-Flow-Console': '1', 'Content-Type': 'application/json' }, authHeaders()), body: '{}',
  });
  const body = await response.json();
  if (response.status === 401) showLogin(body.error);
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function poll(load) {
  if (timer) clearInterval(timer);
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try { await load(); } catch (error) { showError(error); } finally { busy = false; }
  };
  tick();
  timer = setInterval(tick, 1000);
}
function showError(error) {
  let box = document.getElementById('error');
  if (!box) { box = el('div', { id: 'error', class: 'message error' }); app.prepend(box); }
  box.textContent = String(error.message || error);
}
function clearError() { const box = document.getElementById('error'); if (box) box.remove(); }

// --- Executions -------------------------------------------------------------------------------------------------
const filters = { pipeline: '', status: '' };
function executionsPage() {
  const pipeline = el('select', { id: 'filter-pipeline', onchange: (e) => { filters.pipeline = e.target.value; poll(load); } }, el('option', { value: '' }, 'all pipelines'));
  const status = el('select', { id: 'filter-status', onchange: (e) => { filters.status = e.target.value; poll(load); } },
    el('option', { value: '' }, 'any status'), ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].map((s) => el('option', { value: s }, s)));
  status.value = filters.status;
  const body = el('tbody', { id: 'executions' });
  let last = null;
  app.replaceChildren(el('h1', {}, 'Executions'), el('div', { class: 'filters' }, el('label', {}, 'Pipeline ', pipeline), el('label', {}, 'Status ', status), el('span', { class: 'muted', id: 'updated' })),
    el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Pipeline', 'Status', 'Started', 'Duration', 'Redrives'].map((h) => el('th', {}, h)))), body));
  async function load() {
    const query = new URLSearchParams(filters).toString();
    const data = await api('executions?' + query);
    clearError();
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    const text = JSON.stringify(data) + query;
    if (text === last && !data.executions.some((x) => x.status === 'RUNNING')) return;
    last = text;
    const known = new Set(Array.from(pipeline.options).map((o) => o.value));
    for (const name of data.pipelines) if (!known.has(name)) pipeline.append(el('option', { value: name }, name));
    pipeline.value = filters.pipeline;
    body.replaceChildren(...data.executions.map((x) => el('tr', { class: 'execution', 'data-id': x.id, 'data-name': x.name },
      el('td', {}, el('a', { href: '#/executions/' + encodeURIComponent(x.id) }, x.name)), el('td', {}, x.pipeline), el('td', {}, badge(x.status)),
      el('td', {}, time(x.startTime)), el('td', {}, duration(x)), el('td', {}, x.redriveCount))));
    if (data.executions.length === 0) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'no executions')));
  }
  poll(load);
}

// --- One execution ----------------------------------------------------------------------------------------------
/// Graphviz's SVG, parsed as SVG and cleaned of anything active before it enters the page.
function safeSVG(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'svg') return null;
  for (const bad of root.querySelectorAll('script, foreignObject, iframe')) bad.remove();
  for (const node of root.querySelectorAll('*')) {
    for (const attribute of Array.from(node.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on') || ((name === 'href' || name === 'xlink:href') && !attribute.value.startsWith('#'))) node.removeAttribute(attribute.name);
    }
  }
  return document.importNode(root, true);
}
function colorGraph(svg, states) {
  const byName = new Map(states.map((s) => [s.name, s.status]));
  for (const node of svg.querySelectorAll('g.node')) {
    const title = node.querySelector('title');
    if (title && title.textContent.startsWith('__')) continue;
    const name = Array.from(node.querySelectorAll('text')).map((t) => t.textContent).join(' ');
    const status = byName.get(name) || 'NOT_REACHED';
    node.setAttribute('data-state', name);
    node.setAttribute('data-status', status);
    node.setAttribute('class', 'node state-' + status.toLowerCase());
    for (const shape of node.querySelectorAll('polygon, ellipse, path')) {
      shape.setAttribute('fill', COLORS[status]);
      shape.setAttribute('fill-opacity', status === 'NOT_REACHED' ? '0.5' : '0.85');
    }
    for (const text of node.querySelectorAll('text')) text.setAttribute('fill', status === 'NOT_REACHED' ? '#111827' : '#ffffff');
  }
}
function executionPage(id) {
  let svg = null, graphError = null, first = true, last = null;
  const header = el('div'), actions = el('div', { class: 'actions' }), message = el('div');
  const graph = el('div', { class: 'graph', id: 'graph' }, 'loading…');
  const legend = el('div', { class: 'legend' }, Object.keys(COLORS).map((s) => el('span', {}, badge(s))));
  const states = el('tbody', { id: 'states' }), history = el('tbody', { id: 'history' });
  app.replaceChildren(el('p', {}, el('a', { href: '#/executions' }, '← executions')), header, actions, message,
    el('h2', {}, 'Graph'), legend, graph,
    el('h2', {}, 'States'), el('table', {}, el('thead', {}, el('tr', {}, ['State', 'Type', 'Status', 'Attempts', 'Input', 'Output'].map((h) => el('th', {}, h)))), states),
    el('h2', {}, 'History'), el('table', {}, el('thead', {}, el('tr', {}, ['#', 'Type', 'Time', 'Details'].map((h) => el('th', {}, h)))), history));
  async function press(action) {
    message.replaceChildren();
    try {
      await act(id, action);
      last = null;
      message.replaceChildren(el('div', { class: 'message', id: 'action-result' }, action === 'redrive' ? 'Redriven: the execution runs again.' : 'Stop requested.'));
    } catch (error) {
      message.replaceChildren(el('div', { class: 'message error', id: 'action-result' }, String(error.message || error)));
    }
  }
  async function load() {
    const x = await api('executions/' + encodeURIComponent(id) + (first ? '?graph=1' : ''));
    clearError();
    const text = JSON.stringify(Object.assign({}, x, { graph: null }));
    if (text === last) return;
    last = text;
    if (first) {
      first = false;
      if (x.graph && x.graph.svg) svg = safeSVG(x.graph.svg);
      if (!svg) graphError = (x.graph && x.graph.error) || 'the graph could not be read';
    }
    header.replaceChildren(el('h1', {}, x.name, ' ', badge(x.status)), el('table', { class: 'meta' }, el('tbody', {},
      el('tr', {}, el('td', {}, 'Pipeline'), el('td', {}, x.pipeline)), el('tr', {}, el('td', {}, 'ARN'), el('td', {}, x.arn)),
      el('tr', {}, el('td', {}, 'Started'), el('td', {}, time(x.startTime))), el('tr', {}, el('td', {}, 'Stopped'), el('td', {}, time(x.stopTime))),
      el('tr', {}, el('td', {}, 'Redrives'), el('td', {}, x.redriveCount)),
      x.error ? el('tr', {}, el('td', {}, 'Error'), el('td', { id: 'execution-error' }, x.error, x.cause ? ': ' + x.cause : '')) : null,
      el('tr', {}, el('td', {}, 'Input'), el('td', {}, el('pre', {}, x.input))),
      x.output !== undefined ? el('tr', {}, el('td', {}, 'Output'), el('td', {}, el('pre', { id: 'execution-output' }, x.output))) : null)));
    actions.replaceChildren(...[
      x.status === 'RUNNING' ? el('button', { id: 'stop', class: 'danger', onclick: () => press('stop') }, 'Stop') : null,
      x.redrivable ? el('button', { id: 'redrive', onclick: () => press('redrive') }, 'Redrive') : null].filter(Boolean));
    if (svg) {
      colorGraph(svg, x.states);
      if (svg.parentNode !== graph) graph.replaceChildren(svg);
    } else {
      graph.replaceChildren(el('p', { class: 'message', id: 'graph-missing' }, 'The graph cannot be drawn: ' + graphError + '. The states reached:'),
        el('ul', { id: 'state-list' }, x.states.map((s) => el('li', { 'data-state': s.name, 'data-status': s.status }, s.name, ' ', badge(s.status)))));
    }
    states.replaceChildren(...x.states.map((s) => el('tr', { 'data-state': s.name },
      el('td', {}, s.name), el('td', {}, s.type), el('td', {}, badge(s.status)), el('td', {}, s.attempts || ''),
      el('td', {}, el('pre', {}, pretty(s.input))), el('td', {}, el('pre', {}, pretty(s.output))))));
    history.replaceChildren(...x.events.map((e) => {
      const details = Object.entries(e).filter(([k]) => k.endsWith('EventDetails'));
      return el('tr', { class: 'event', 'data-type': e.type }, el('td', {}, e.id), el('td', {}, e.type), el('td', {}, time(e.timestamp)),
        el('td', {}, details.length ? el('pre', {}, pretty(details[0][1])) : ''));
    }));
  }
  poll(load);
}

// --- Models -----------------------------------------------------------------------------------------------------
function modelsPage() {
  const body = el('tbody', { id: 'models' });
  app.replaceChildren(el('h1', {}, 'Model registry'), el('table', {}, el('thead', {}, el('tr', {}, ['Model', 'Versions', 'Latest', 'Approval'].map((h) => el('th', {}, h)))), body));
  poll(async () => {
    const data = await api('models');
    clearError();
    body.replaceChildren(...data.models.map((m) => {
      const latest = m.versions[m.versions.length - 1];
      return el('tr', { class: 'model', 'data-name': m.name }, el('td', {}, el('a', { href: '#/models/' + encodeURIComponent(m.name) }, m.name)),
        el('td', {}, m.versions.length), el('td', {}, latest ? 'v' + latest.version : ''), el('td', {}, latest ? latest.approvalStatus : ''));
    }));
    if (data.models.length === 0) body.append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'no models registered')));
  });
}
function numericMetrics(versions) {
  const names = new Set();
  for (const v of versions) for (const [k, value] of Object.entries(v.metrics || {})) if (typeof value === 'number') names.add(k);
  return Array.from(names).sort();
}
/// A line chart of one metric across versions, drawn as SVG elements (no library).
function chart(versions, metric) {
  const points = versions.filter((v) => typeof (v.metrics || {})[metric] === 'number').map((v) => [v.version, v.metrics[metric]]);
  const width = 480, height = 220, pad = 40;
  const svg = svgEl('svg', { class: 'chart', id: 'metric-chart', width, height, viewBox: `0 0 ${width} ${height}`, 'data-metric': metric });
  if (points.length === 0) return svg;
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const x = (v) => pad + (x1 === x0 ? (width - 2 * pad) / 2 : (v - x0) / (x1 - x0) * (width - 2 * pad));
  const y = (v) => height - pad - (y1 === y0 ? (height - 2 * pad) / 2 : (v - y0) / (y1 - y0) * (height - 2 * pad));
  svg.append(svgEl('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#9ca3af' }));
  svg.append(svgEl('line', { x1: pad, y1: pad, x2: pad, y2: height - pad, stroke: '#9ca3af' }));
  svg.append(svgEl('text', { x: 4, y: pad - 8, 'font-size': 11 }, metric + ' (max ' + y1 + ')'));
  svg.append(svgEl('text', { x: 4, y: height - pad + 4, 'font-size': 11 }, String(y0)));
  svg.append(svgEl('polyline', { points: points.map((p) => x(p[0]) + ',' + y(p[1])).join(' '), fill: 'none', stroke: '#3b82f6', 'stroke-width': 2 }));
  for (const p of points) {
    const dot = svgEl('circle', { cx: x(p[0]), cy: y(p[1]), r: 4, fill: '#3b82f6', class: 'point', 'data-version': p[0], 'data-value': p[1] });
    dot.append(svgEl('title', {}, 'v' + p[0] + ': ' + p[1]));
    svg.append(dot);
    svg.append(svgEl('text', { x: x(p[0]) - 6, y: height - pad + 16, 'font-size': 11 }, 'v' + p[0]));
  }
  return svg;
}
function modelPage(name) {
  let metric = null, last = null;
  const title = el('h1', {}, 'Model ', name), chartBox = el('div', { id: 'chart' }), body = el('tbody', { id: 'versions' });
  const picker = el('select', { id: 'metric', onchange: (e) => { metric = e.target.value; last = null; poll(load); } });
  app.replaceChildren(el('p', {}, el('a', { href: '#/models' }, '← models')), title,
    el('h2', {}, 'Metric across versions ', picker), chartBox,
    el('h2', {}, 'Versions'), el('table', {}, el('thead', {}, el('tr', {}, ['Version', 'Approval', 'Aliases', 'Lineage', 'Metrics', 'Artifact'].map((h) => el('th', {}, h)))), body));
  async function load() {
    const data = await api('models');
    clearError();
    const model = data.models.find((m) => m.name === name);
    const text = JSON.stringify(model) + metric;
    if (text === last) return;
    last = text;
    if (!model) { body.replaceChildren(el('tr', {}, el('td', { colspan: 6 }, 'no model named ', name))); return; }
    const metrics = numericMetrics(model.versions);
    if (metric === null || !metrics.includes(metric)) metric = metrics[0] || null;
    picker.replaceChildren(...metrics.map((m) => el('option', { value: m }, m)));
    if (metric) picker.value = metric;
    chartBox.replaceChildren(metric ? chart(model.versions, metric) : el('p', { class: 'muted' }, 'no numeric metric'));
    body.replaceChildren(...model.versions.map((v) => el('tr', { class: 'version', 'data-version': v.version },
      el('td', {}, 'v' + v.version), el('td', {}, v.approvalStatus, v.approvalNote ? el('div', { class: 'muted' }, v.approvalNote) : null),
      el('td', {}, (v.aliases || []).join(', ')),
      el('td', { class: 'lineage' },
        el('div', {}, 'execution: ', v.executionId ? el('a', { href: '#/executions/' + encodeURIComponent(v.executionId) }, v.executionId) : '—'),
        el('div', {}, 'pipeline hash: ', v.pipelineHash || '—'), el('div', {}, 'dataset hash: ', v.datasetHash || '—')),
      el('td', {}, el('pre', {}, pretty(v.metrics))), el('td', {}, v.artifactPath))));
  }
  poll(load);
}

// --- Endpoints and schedules ------------------------------------------------------------------------------------
function endpointsPage() {
  const body = el('tbody', { id: 'endpoints' });
  app.replaceChildren(el('h1', {}, 'Endpoints'), el('table', {}, el('thead', {}, el('tr', {}, ['Endpoint', 'Serves', 'Artifact', 'Previous', 'Updated'].map((h) => el('th', {}, h)))), body));
  poll(async () => {
    const data = await api('endpoints');
    clearError();
    body.replaceChildren(...data.endpoints.map((e) => el('tr', { 'data-name': e.name }, el('td', {}, e.name),
      el('td', {}, el('a', { href: '#/models/' + encodeURIComponent(e.current.model) }, e.current.model), ' v' + e.current.version),
      el('td', {}, e.current.artifactPath), el('td', {}, e.previous ? e.previous.model + ' v' + e.previous.version : '—'), el('td', {}, time(e.updatedAt)))));
    if (data.endpoints.length === 0) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'no endpoints')));
  });
}
function schedulesPage() {
  const body = el('tbody', { id: 'schedules' });
  app.replaceChildren(el('h1', {}, 'Schedules'), el('table', {}, el('thead', {}, el('tr', {}, ['Pipeline', 'Cron', 'Time zone', 'Next fire times', 'Last slot'].map((h) => el('th', {}, h)))), body));
  poll(async () => {
    const data = await api('schedules');
    clearError();
    body.replaceChildren(...data.schedules.map((s) => el('tr', { 'data-pipeline': s.pipeline }, el('td', {}, s.pipeline),
      el('td', {}, s.error ? el('span', { class: 'message error' }, s.error) : s.cron), el('td', {}, s.timeZone || ''),
      el('td', {}, el('ul', {}, (s.next || []).map((t) => el('li', {}, time(t))))), el('td', {}, s.lastFire ? time(s.lastFire) + ' (' + s.lastAction + ')' : '—'))));
    if (data.schedules.length === 0) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'no scheduled pipelines (add a Flow.Schedule block to a pipeline)')));
  });
}

// --- Routing ----------------------------------------------------------------------------------------------------
function route() {
  if (timer) { clearInterval(timer); timer = null; }
  const parts = (location.hash.replace(/^#\/?/, '') || 'executions').split('/').map(decodeURIComponent);
  for (const link of document.querySelectorAll('header nav a')) link.classList.toggle('active', link.dataset.page === parts[0]);
  if (parts[0] === 'executions' && parts[1]) executionPage(parts[1]);
  else if (parts[0] === 'models' && parts[1]) modelPage(parts[1]);
  else if (parts[0] === 'models') modelsPage();
  else if (parts[0] === 'endpoints') endpointsPage();
  else if (parts[0] === 'schedules') schedulesPage();
  else executionsPage();
}
window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', async () => {
  try { session = await api('session'); } catch (error) { /* shown by api() */ }
  setupLogin();
  route();
});
"""#
}
