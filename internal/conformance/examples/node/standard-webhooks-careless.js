// CARELESS ON PURPOSE: a Standard Webhooks receiver with express.json() that signs
// webhook-id.webhook-timestamp.JSON.stringify(req.body) instead of the raw body. Every
// other check of `whk test` passes; its raw-body row names the mistake.
// standard-webhooks.js is the fix.
const crypto = require('crypto');
const express = require('express');

const key = Buffer.from(process.env.WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');
const seen = new Set();

const app = express();
app.use(express.json());

app.post('/webhooks', (req, res) => {
  const id = req.get('webhook-id');
  const timestamp = req.get('webhook-timestamp');
  const signatures = req.get('webhook-signature');
  if (!id || !timestamp || !signatures) {
    return res.status(401).send('missing webhook headers');
  }
  if (!(Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300)) {
    return res.status(401).send('timestamp outside the tolerance');
  }
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${JSON.stringify(req.body)}`).digest();
  const valid = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature || '', 'base64');
    return version === 'v1' && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!valid) {
    return res.status(401).send('invalid signature');
  }
  if (seen.has(id)) {
    return res.sendStatus(200);
  }
  seen.add(id);
  res.sendStatus(200);
});

const server = app.listen(Number(process.env.PORT ?? 8081), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks`);
});
