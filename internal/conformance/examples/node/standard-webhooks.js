// A Standard Webhooks receiver in Express. It signs webhook-id.webhook-timestamp.body
// over the raw body (express.raw), with the key decoded from the whsec_ secret, accepts
// any of the space-separated v1 signatures (several during a key rotation), refuses
// timestamps more than 5 minutes off, and dedupes on webhook-id.
//
//   WEBHOOK_SECRET=whsec_… PORT=8081 node standard-webhooks.js
//   whk test -p standard-webhooks --to http://127.0.0.1:8081/webhooks --secret whsec_…
const crypto = require('crypto');
const express = require('express');

const key = Buffer.from(process.env.WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
const toleranceSeconds = 5 * 60;
const seen = new Set(); // in production: a table with a unique key on webhook-id

const app = express();

app.post('/webhooks', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
  const id = req.get('webhook-id');
  const timestamp = req.get('webhook-timestamp');
  const signatures = req.get('webhook-signature');
  if (!id || !timestamp || !signatures) {
    return res.status(401).send('missing webhook-id, webhook-timestamp or webhook-signature');
  }
  if (!(Math.abs(Date.now() / 1000 - Number(timestamp)) <= toleranceSeconds)) {
    return res.status(401).send('timestamp outside the tolerance');
  }
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`).update(req.body).digest();
  const valid = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature || '', 'base64');
    return version === 'v1' && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!valid) {
    return res.status(401).send('invalid signature');
  }
  let event;
  try {
    event = JSON.parse(req.body);
  } catch {
    return res.status(400).send('not JSON');
  }
  if (seen.has(id)) {
    return res.sendStatus(200);
  }
  seen.add(id);
  res.sendStatus(200);
  setImmediate(() => console.log(`${event.type} ${id}`));
});

const server = app.listen(Number(process.env.PORT ?? 8081), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks`);
});
