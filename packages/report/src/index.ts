export { renderReport, renderReportData, reportAssetsDir, scriptJson } from './render.js';
export { buildReportData, type ReportOptions, type ResultLike } from './build.js';
export { fairness, spread, type FairnessOptions } from './fairness.js';
export { serviceLevels } from './service-level.js';
export type * from './model.js';
