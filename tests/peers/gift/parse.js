// Parses each GIFT file named on the command line with gift-pegjs and prints the questions as JSON:
// { "<file>": [question, ...] } or { "<file>": { "error": "..." } }.
"use strict";
const fs = require("fs");
const { parse } = require("gift-pegjs");

const result = {};
for (const file of process.argv.slice(2)) {
  try {
    result[file] = parse(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""));  // a byte order mark is not text
  } catch (error) {
    result[file] = { error: String(error.message || error) };
  }
}
process.stdout.write(JSON.stringify(result, null, 1));
