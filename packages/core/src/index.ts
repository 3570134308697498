export * from './lp/model.js';
export type * from './lp/backend.js';
