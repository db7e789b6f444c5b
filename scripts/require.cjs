// `require('devpush')` from CommonJS: Node 20.19+ loads the ES module itself; where it cannot (an older
// Node, or a module graph with top-level await), one line says what to do instead.
try {
  module.exports = require('./src/index.js');
} catch (error) {
  if (error && (error.code === 'ERR_REQUIRE_ESM' || error.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    throw new Error("devpush is an ES module: load it with `const { createServer } = await import('devpush')`.");
  }
  throw error;
}
