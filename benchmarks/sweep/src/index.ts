export { designShapes, shapeName, agentBand, LEVELS, AGENT_BANDS, AGENTS_MIN, AGENTS_MAX, ZONES_WITHOUT_DST, type Shape, type Factor } from './design.js';
export { generateShape, scenarioOfShape, startDate } from './generate.js';
export { timeLimitSeconds, LIMIT_BASE_SECONDS, LIMIT_SECONDS_PER_AGENT_DAY, POLICY_TEXT } from './policy.js';
export { parseArgs, USAGE, UsageError, PEERS, type SweepOptions, type PeerName } from './args.js';
export { runProbe, PROBE_SHAPE, PROBE_SEED, type ProbeResult } from './probe.js';
export { gapRead, machineInfo, section, table, writeJson, writeMarkdown, type ShapeRecord, type OursRecord, type PeerRecord, type SweepRun, type MachineInfo } from './report.js';
