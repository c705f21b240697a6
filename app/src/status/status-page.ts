import type { LiveTraffic } from './traffic-window';
import type { ReloadStatus, RouteStatus, StatusReport, UpstreamStatus } from './status-report';

/** How often the page fetches a fresh body; without JavaScript a meta refresh does it, less often. */
export const STATUS_REFRESH_MS = 5000;
const NO_SCRIPT_REFRESH_SECONDS = 10;
/** Above this error ratio a route or upstream is marked as failing. */
const ERROR_RATIO_WARNING = 0.05;

export interface StatusPageOptions {
  /** CSP nonce for the page's own style and script. */
  readonly nonce: string;
  /** Only the `<main>` content, for the page's own refresh. */
  readonly fragment: boolean;
}

/**
 * The status page: one server-rendered document (no front-end build, readable before any script
 * runs, on a phone as on a desk). Problems come first (a rejected route table on disk, open
 * breakers, load shedding, drain), then every route with its live traffic, the upstreams with
 * their breakers and pools, the route table's reloads, and the process. Its script only swaps in a
 * freshly rendered `<main>` every few seconds, so there is one renderer, here.
 */
export function renderStatusPage(report: StatusReport, options: StatusPageOptions): string {
  const main = renderMain(report);
  if (options.fragment) return main;
  const { nonce } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>uag ${escape(report.gateway.environment)} · ${escape(report.gateway.phase)}</title>
<noscript><meta http-equiv="refresh" content="${NO_SCRIPT_REFRESH_SECONDS}"></noscript>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="status" aria-live="polite">${main}</main>
<footer><a href="/status">JSON</a> · <a href="/metrics">metrics</a> · <a href="/health/ready">readiness</a> · <span id="refresh">refreshes every ${STATUS_REFRESH_MS / 1000} s</span></footer>
<script nonce="${nonce}">${script()}</script>
</body>
</html>
`;
}

function renderMain(report: StatusReport): string {
  const { gateway, routeTable } = report;
  return `<header>
<h1>uag <span class="env">${escape(gateway.environment)}</span></h1>
<span class="badge ${gateway.phase === 'serving' ? 'ok' : 'warn'}" data-phase="${escape(gateway.phase)}">${escape(gateway.phase)}</span>
<p class="meta">version ${escape(gateway.version)} · commit <code>${escape(gateway.commit.slice(0, 12))}</code> · up ${duration(gateway.uptimeSeconds)} · Node ${escape(gateway.node)} · <time datetime="${new Date().toISOString()}">${new Date().toISOString().slice(11, 19)} UTC</time></p>
</header>
${renderProblems(report)}
${renderTiles(report)}
<section><h2>Routes <small>${routeTable.routes.length} · live over the last ${report.windowSeconds} s</small></h2>
<div class="scroll"><table id="routes">
<thead><tr><th>route</th><th>match</th><th>upstream</th><th>auth</th><th>limits</th><th class="num">req/s</th><th class="num">errors</th><th class="num">p95</th></tr></thead>
<tbody>${routeTable.routes.map(renderRoute).join('')}</tbody>
</table></div></section>
<section><h2>Upstreams <small>${report.upstreams.length}</small></h2>
<div class="scroll"><table id="upstreams">
<thead><tr><th>upstream</th><th>breaker</th><th class="num">connections</th><th class="num">in flight</th><th class="num">queued</th><th class="num">attempts/s</th><th class="num">failures</th><th class="num">p95</th></tr></thead>
<tbody>${report.upstreams.map(renderUpstream).join('')}</tbody>
</table></div></section>
${renderTcp(report)}
<section id="route-table"><h2>Route table</h2>
<dl class="facts">
<dt>checksum</dt><dd><code data-checksum="${escape(routeTable.checksum)}" title="${escape(routeTable.checksum)}">${escape(routeTable.checksum.slice(0, 12))}</code></dd>
<dt>loaded</dt><dd>${escape(routeTable.loadedAt)}</dd>
<dt>file</dt><dd><code>${escape(routeTable.file)}</code></dd>
<dt>reload</dt><dd>${routeTable.reloadIntervalMs > 0 ? `checked every ${routeTable.reloadIntervalMs / 1000} s and on SIGHUP` : 'on SIGHUP only'}; WebSockets of removed routes: ${escape(routeTable.removedConnections)}</dd>
</dl>
<h3>Last reloads</h3>
${routeTable.reloads.length === 0 ? '<p class="quiet">none since start-up</p>' : `<ol id="reloads">${routeTable.reloads.map(renderReload).join('')}</ol>`}
</section>
${renderShedding(report)}`;
}

function renderProblems(report: StatusReport): string {
  const problems: string[] = [];
  if (report.gateway.phase !== 'serving') problems.push(`The gateway is ${escape(report.gateway.phase)}: readiness answers 503.`);
  if (report.routeTable.rejectedPending) {
    const rejected = report.routeTable.reloads.find((reload) => reload.result === 'rejected');
    problems.push(`The route table file was rejected${rejected === undefined ? '' : ` at ${escape(rejected.at)}`}; the table loaded ${escape(report.routeTable.loadedAt)} keeps serving. Fix the file (problems below).`);
  }
  for (const upstream of report.upstreams) {
    if (upstream.breaker === 'open' || upstream.breaker === 'half-open') problems.push(`Circuit breaker ${escape(upstream.breaker)} for <code>${escape(upstream.origin)}</code>.`);
  }
  if (report.loadShedding.shedding) problems.push('Shedding load: new requests get 503 and readiness fails.');
  for (const route of report.routeTable.routes) {
    if (route.live.errorRatio !== null && route.live.errorRatio > ERROR_RATIO_WARNING) problems.push(`Route <code>${escape(route.name)}</code> answers ${percent(route.live.errorRatio)} errors.`);
  }
  if (problems.length === 0) return '<p id="problems" class="banner ok" data-problems="0">No problems: serving, every breaker closed, no load shed, the route table file is the active one.</p>';
  return `<ul id="problems" class="banner bad" data-problems="${problems.length}">${problems.map((problem) => `<li>${problem}</li>`).join('')}</ul>`;
}

function renderTiles(report: StatusReport): string {
  const routes = report.routeTable.routes;
  const rate = routes.reduce((sum, route) => sum + route.live.requestsPerSecond, 0);
  const errors = routes.reduce((sum, route) => sum + route.live.requestsPerSecond * (route.live.errorRatio ?? 0), 0);
  const tile = (id: string, label: string, value: string) => `<div class="tile" id="${id}"><span class="label">${label}</span><span class="value">${value}</span></div>`;
  return `<div class="tiles">
${tile('tile-rate', 'requests/s', perSecond(rate))}
${tile('tile-errors', 'errors', rate > 0 ? percent(errors / rate) : '–')}
${tile('tile-http', 'HTTP connections', String(report.connections.http))}
${tile('tile-websocket', 'WebSockets', String(report.connections.websocket))}
${tile('tile-tcp', 'TCP connections', String(report.connections.tcp))}
${tile('tile-loop', 'event-loop delay', `${report.loadShedding.eventLoopDelayMs} ms`)}
</div>`;
}

function renderRoute(route: RouteStatus): string {
  const match = [`<code>${escape(route.match.pathPrefix)}</code>`];
  if (route.match.host !== null) match.push(`host <code>${escape(route.match.host)}</code>`);
  if (route.match.methods !== null) match.push(escape(route.match.methods.join(' ')));
  const upstreams = route.upstreams
    .map((arm) => `${arm.variant === '' ? '' : `<b>${escape(arm.variant)}</b> ${arm.weight}: `}${arm.targets.map((target) => `<code>${escape(target)}</code>`).join(', ')}`)
    .join('<br>');
  const auth = route.auth.mode === 'none' ? '<span class="quiet">none</span>' : ['jwt', ...route.auth.requireRoles.map((role) => `role ${escape(role)}`), ...route.auth.requireScopes.map((scope) => `scope ${escape(scope)}`)].join('<br>');
  return `<tr data-route="${escape(route.name)}"${failing(route.live) ? ' class="failing"' : ''}>
<th scope="row" data-label="route"><span>${escape(route.name)}${route.websocket ? ' <span class="tag">ws</span>' : ''}</span></th>
<td data-label="match"><span>${match.join('<br>')}</span></td>
<td data-label="upstream"><span>${upstreams}</span></td>
<td data-label="auth"><span>${auth}</span></td>
<td data-label="limits" class="limits"><span>${route.limits.map(escape).join('<br>')}</span></td>
${liveCells(route.live, 'req/s', 'errors')}
</tr>`;
}

function renderUpstream(upstream: UpstreamStatus): string {
  const breaker = upstream.breaker === null ? '<span class="quiet">none</span>' : `<span class="badge ${upstream.breaker === 'closed' ? 'ok' : 'bad'}">${escape(upstream.breaker)}</span>`;
  return `<tr data-upstream="${escape(upstream.origin)}" data-breaker="${escape(upstream.breaker ?? 'none')}"${failing(upstream.live) ? ' class="failing"' : ''}>
<th scope="row" data-label="upstream"><span><code>${escape(upstream.origin)}</code><br><small class="quiet">${upstream.routes.map(escape).join(', ')}</small></span></th>
<td data-label="breaker"><span>${breaker}</span></td>
<td data-label="connections" class="num"><span>${upstream.connections.connected}</span></td>
<td data-label="in flight" class="num"><span>${upstream.connections.running}</span></td>
<td data-label="queued" class="num"><span>${upstream.connections.pending}</span></td>
${liveCells(upstream.live, 'attempts/s', 'failures')}
</tr>`;
}

function renderTcp(report: StatusReport): string {
  if (report.routeTable.tcp.length === 0) return '';
  return `<section><h2>TCP listeners <small>${report.connections.tcp} open</small></h2>
<div class="scroll"><table id="tcp"><thead><tr><th>listener</th><th class="num">port</th><th>upstream</th></tr></thead><tbody>
${report.routeTable.tcp.map((listener) => `<tr data-tcp="${escape(listener.name)}"><th scope="row" data-label="listener"><span>${escape(listener.name)}</span></th><td data-label="port" class="num"><span>${listener.port}</span></td><td data-label="upstream"><span><code>${escape(listener.upstream)}</code></span></td></tr>`).join('')}
</tbody></table></div></section>`;
}

function renderReload(reload: ReloadStatus): string {
  const changes = [
    reload.added.length > 0 ? `added ${reload.added.map(escape).join(', ')}` : '',
    reload.removed.length > 0 ? `removed ${reload.removed.map(escape).join(', ')}` : '',
    reload.changed.length > 0 ? `changed ${reload.changed.map(escape).join(', ')}` : '',
  ].filter((text) => text !== '');
  const checksum = reload.checksum === null ? 'unreadable' : `<code title="${escape(reload.checksum)}">${escape(reload.checksum.slice(0, 12))}</code>`;
  return `<li data-result="${reload.result}"><span class="badge ${reload.result === 'applied' ? 'ok' : 'bad'}">${reload.result}</span> <time>${escape(reload.at)}</time> ${checksum}${changes.length > 0 ? ` · ${changes.join(' · ')}` : ''}${
    reload.problems.length > 0 ? `<ul class="problems">${reload.problems.map((problem) => `<li>${escape(problem)}</li>`).join('')}</ul>` : ''
  }</li>`;
}

function renderShedding(report: StatusReport): string {
  const shed = report.loadShedding;
  const limit = (value: number) => (value === 0 ? 'off' : String(value));
  return `<section id="load-shedding"><h2>Load shedding <span class="badge ${shed.shedding ? 'bad' : 'ok'}" data-shedding="${shed.shedding}">${shed.shedding ? 'shedding' : 'accepting'}</span></h2>
<dl class="facts">
<dt>event-loop delay</dt><dd>${shed.eventLoopDelayMs} ms (limit ${limit(shed.eventLoopDelayLimitMs)} ms)</dd>
<dt>heap used</dt><dd>${mebibytes(shed.heapUsedBytes)} (limit ${shed.heapUsedLimitBytes === 0 ? 'off' : mebibytes(shed.heapUsedLimitBytes)})</dd>
<dt>shed since start</dt><dd>${shed.shedTotal}</dd>
</dl></section>`;
}

function liveCells(live: LiveTraffic, rateLabel: string, errorLabel: string): string {
  return `<td data-label="${rateLabel}" class="num"><span>${perSecond(live.requestsPerSecond)}</span></td>
<td data-label="${errorLabel}" class="num"><span>${live.errorRatio === null ? '–' : percent(live.errorRatio)}</span></td>
<td data-label="p95" class="num"><span>${live.p95Seconds === null ? '–' : milliseconds(live.p95Seconds)}</span></td>`;
}

function failing(live: LiveTraffic): boolean {
  return live.errorRatio !== null && live.errorRatio > ERROR_RATIO_WARNING;
}

function perSecond(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(rate >= 10 ? 1 : 2);
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio >= 0.1 ? 0 : 1)} %`;
}

function milliseconds(seconds: number): string {
  const ms = seconds * 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function duration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value from the route table or the file goes through here: names, paths and problems are not markup. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** Swaps in a fresh `<main>` while the tab is visible; a failed fetch says so and tries again. */
function script(): string {
  return `(() => {
  const main = document.getElementById('status');
  const note = document.getElementById('refresh');
  async function refresh() {
    if (document.hidden) return;
    try {
      const answer = await fetch('/?fragment', { cache: 'no-store' });
      if (!answer.ok) throw new Error('HTTP ' + answer.status);
      main.innerHTML = await answer.text();
      note.textContent = 'refreshes every ${STATUS_REFRESH_MS / 1000} s';
      note.className = '';
    } catch (error) {
      note.textContent = 'refresh failed (' + error.message + '); retrying';
      note.className = 'stale';
    }
  }
  setInterval(refresh, ${STATUS_REFRESH_MS});
  document.addEventListener('visibilitychange', refresh);
})();`;
}

const STYLE = `
:root { --bg: #fff; --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3; --card: #f5f7f9; --ok: #17794a; --warn: #9a6700; --bad: #c62828; --bad-bg: #fdecec; --ok-bg: #e9f6ef; }
@media (prefers-color-scheme: dark) { :root { --bg: #0f1317; --fg: #e6e9ec; --muted: #9aa4ae; --line: #2c333b; --card: #171c21; --ok: #4cc38a; --warn: #e3b341; --bad: #ff6b6b; --bad-bg: #3a1d1f; --ok-bg: #15301f; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
main { max-width: 1200px; margin: 0 auto; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 12px; }
h1 { font-size: 20px; margin: 0; } h1 .env { color: var(--muted); font-weight: 500; }
h2 { font-size: 16px; margin: 24px 0 8px; } h2 small, .quiet, .meta { color: var(--muted); font-weight: 400; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta { flex-basis: 100%; margin: 0; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.warn { color: var(--warn); } .badge.bad { color: var(--bad); }
.tag { font-size: 11px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
.banner { margin: 12px 0; padding: 10px 14px; border-radius: 8px; list-style: none; }
.banner.ok { background: var(--ok-bg); color: var(--ok); } .banner.bad { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
.banner li + li { margin-top: 4px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.tile .label { display: block; color: var(--muted); font-size: 12px; } .tile .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failing th, tr.failing td { background: var(--bad-bg); }
.limits { color: var(--muted); font-size: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; } .facts dt { color: var(--muted); } .facts dd { margin: 0; }
#reloads { padding-left: 20px; } #reloads > li { margin: 4px 0; } .problems { color: var(--bad); margin: 4px 0; padding-left: 18px; }
footer { max-width: 1200px; margin: 24px auto 0; color: var(--muted); font-size: 12px; } footer a { color: inherit; } .stale { color: var(--bad); }
@media (max-width: 720px) {
  body { padding: 10px; }
  table, tbody, tr, th, td { display: block; width: 100%; }
  thead { display: none; }
  tbody tr { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; padding: 4px 0; }
  tbody th, tbody td { border: 0; padding: 3px 10px; display: flex; gap: 12px; justify-content: space-between; text-align: right; }
  tbody th > span, tbody td > span { min-width: 0; }
  tbody th::before, tbody td::before { content: attr(data-label); color: var(--muted); font-weight: 400; text-align: left; flex: none; }
  .num { white-space: normal; }
}`;
