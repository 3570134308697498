export { intradayScenario, flatShrinkageScenario, BREAK_RULES, BREAK_SHARE } from './scenario.js';
export { fixedOffsets, fixedOffsetAssignment, fixedOffsetRoster, tile } from './fixed.js';
export { forecasts, intervalServiceLevel, serviceSummary, type Forecast, type ServiceSummary } from './service.js';
export { measureSize, type SizeResult, type Variant } from './measure.js';
export { markdown, lessUnderPct, stageAddsPct, TARGETS, type IntradayReport } from './report.js';
