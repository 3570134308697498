/**
 * renderReport: the report as ONE self-contained HTML file. The page's script and style are read from this
 * package's `assets/` and inlined, and the data goes in as JSON, so the file needs no network when viewed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildReportData, type ReportOptions } from './build.js';
import type { ReportData } from './model.js';

const ASSETS = new URL('../assets/', import.meta.url);
/** The folder of report.js and report.css, for a server that serves them to its own pages. */
export const reportAssetsDir = fileURLToPath(ASSETS);
let assets: { js: string; css: string } | undefined;

function loadAssets(): { js: string; css: string } {
  assets ??= { js: readFileSync(new URL('report.js', ASSETS), 'utf8'), css: readFileSync(new URL('report.css', ASSETS), 'utf8') };
  return assets;
}

/** JSON safe inside a <script> element: `<` never appears raw, so `</script>` and `<!--` cannot end it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page for already-built data (for callers that build the data once and render it several ways). */
export function renderReportData(data: ReportData): string {
  const { js, css } = loadAssets();
  const sections = ['kpis', 'coverage', 'gantt', 'costs', 'findings', 'fairness', 'timeline'].map((id) => `<section id="${id}"></section>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${css}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><p>${escapeHtml(`${data.horizon.startDate}, ${data.horizon.days} days, ${data.horizon.timeZone}, ${data.gantt.agents.length} agents`)}</p></header>
<main>
${sections}
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}

/** The report of a solve result (or a bare roster) for a scenario. Throws the core's typed input errors. */
export function renderReport(scenario: unknown, result: unknown, options: ReportOptions = {}): string {
  return renderReportData(buildReportData(scenario, result, options));
}
