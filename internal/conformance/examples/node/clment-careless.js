// CARELESS ON PURPOSE: a Clment receiver as it is often written, with express.json()
// parsing every body and the signature computed over JSON.stringify(req.body). It
// works for every compact body, which is what most senders send and what every other
// check of `whk test` sends, and refuses a correctly signed body that was indented or
// escaped differently: `whk test`'s raw-body row names it. clment.js is the fix.
const crypto = require('crypto');
const express = require('express');

const secret = process.env.WEBHOOK_SECRET;
const seen = new Set();

const app = express();
app.use(express.json());

app.post('/webhooks/clment', (req, res) => {
  const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', secret).update(JSON.stringify(req.body)).digest('hex'));
  const given = Buffer.from(req.get('X-Clment-Signature') || '');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return res.status(401).send('invalid signature');
  }
  const event = req.body;
  if (seen.has(event.id)) {
    return res.sendStatus(200);
  }
  seen.add(event.id);
  res.sendStatus(200);
});

const server = app.listen(Number(process.env.PORT ?? 8081), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/clment`);
});
