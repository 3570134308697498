export { absenceEvent, demandEvent, type AbsenceOptions, type ReplanEvent } from './events.js';
export { measure, runEvent, type ChangeCost, type EventOptions, type EventRun, type Measured, type Method } from './measure.js';
export { machine, markdown, targetLines, TARGETS, type ReplanReport, type SizeRun } from './report.js';
