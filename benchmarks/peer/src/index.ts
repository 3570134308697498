export { runCbc, findOnPath, CBC_MISSING, type PeerOptions, type PeerResult, type PeerStatus } from './cbc.js';
