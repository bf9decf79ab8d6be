// ajv-cli reads whole JSON files only, so for the NDJSON measurement this script does
// what ajv-cli does for each file (Ajv2020 + ajv-formats, default options, the schema
// compiled once) for each line, and prints the line numbers of invalid deliveries.
//
//   node ajv-ndjson.js SCHEMA FILE   (run where ajv-cli and ajv-formats are installed)
'use strict';
const fs = require('fs');
const readline = require('readline');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

const [schemaPath, file] = process.argv.slice(2);
const ajv = new Ajv2020();
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
const bad = [];
let n = 0;
readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })
  .on('line', (line) => {
    n++;
    if (line.trim() === '') return;
    let v;
    try { v = JSON.parse(line); } catch (e) { bad.push(n); return; }
    if (!validate(v)) bad.push(n);
  })
  .on('close', () => {
    if (bad.length) process.stdout.write(bad.join('\n') + '\n');
  });
