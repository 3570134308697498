export { backendByName, BACKEND_NAMES, type BackendName } from './backends.js';
export { runCli } from './cli.js';
export { summarize } from './summary.js';
export { parseFlags, runAsProgram, UsageError, type ParsedFlags } from './flags.js';
export { commitLabel } from './commit.js';
