// A Clment webhook receiver in Express. It verifies X-Clment-Signature over the raw
// body (express.raw keeps the bytes as they came), compares in constant time, parses
// only then, acknowledges a delivery it has already seen without redoing the work, and
// answers before doing the work (Clment waits 10 s).
//
//   WEBHOOK_SECRET=s3cret PORT=8081 node clment.js
//   whk test -p clment --to http://127.0.0.1:8081/webhooks/clment --secret s3cret
const crypto = require('crypto');
const express = require('express');

const secret = process.env.WEBHOOK_SECRET;
const seen = new Set(); // in production: a table with a unique key on the event id

const app = express();

app.post('/webhooks/clment', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
  const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', secret).update(req.body).digest('hex'));
  const given = Buffer.from(req.get('X-Clment-Signature') || '');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return res.status(401).send('invalid signature');
  }
  let event;
  try {
    event = JSON.parse(req.body);
  } catch {
    return res.status(400).send('not JSON');
  }
  if (seen.has(event.id)) {
    return res.sendStatus(200); // a retry of a delivery already taken: acknowledge it again
  }
  seen.add(event.id);
  res.sendStatus(200);
  setImmediate(() => handle(event));
});

function handle(event) {
  switch (event.type) {
    case 'review.completed':
      console.log(`review ${event.payload.reviewId} completed`);
      break;
    default:
      // Clment ships a changed payload as a new versioned type (review.completed.v2)
      // beside the old one: ignore types you do not know.
      break;
  }
}

const server = app.listen(Number(process.env.PORT ?? 8081), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/clment`);
});
