// Loaded with `node --require` before an example receiver in whk's tests: the receiver
// stops when the test closes its stdin (the test ended, or died), and in any case after
// LIFETIME_SECONDS (default 120), so none outlives the test.
const limit = Number(process.env.LIFETIME_SECONDS || 120);
setTimeout(() => process.exit(0), limit * 1000).unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
