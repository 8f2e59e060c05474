'use strict';
// A worker speaking the pool's protocol (src/companion/runner/pool.ts) whose units do what their
// payload says: answer, throw, crash the thread, or spin, so that the pool's repairs can be tested.
const { parentPort } = require('node:worker_threads');

const contexts = new Map();
parentPort.on('message', (message) => {
  if (message.type === 'drop') return void contexts.delete(message.key);
  if (message.context !== undefined) contexts.set(message.key, message.context);
  const { op, value, ms } = message.payload;
  const context = contexts.get(message.key);
  if (op === 'crash') process.exit(7);
  if (op === 'throw') {
    return parentPort.postMessage({ taskId: message.taskId, ok: false, error: { name: 'EngineInputError', message: 'bad', field: 'weights', index: 2, detail: 'must be ≥ 0' } });
  }
  if (op === 'spin') {
    const end = Date.now() + ms;
    while (Date.now() < end);
  }
  parentPort.postMessage({ taskId: message.taskId, ok: true, output: { value, context, threadId: require('node:worker_threads').threadId }, elapsedMs: 0 });
});
