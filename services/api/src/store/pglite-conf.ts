/**
 * PostgreSQL settings of the embedded PGlite. Its default shared_buffers (128 MB) lives in WebAssembly
 * memory that is never returned; the workflow tables of one server fit easily in a small cache.
 */
export const PGLITE_CONF = ['shared_buffers = 8MB'];
