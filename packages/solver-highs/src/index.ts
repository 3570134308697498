export { highsBackend, type HighsBackendOptions } from './backend.js';
