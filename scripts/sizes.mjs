#!/usr/bin/env node
/**
 * Lists the source files over the line budget and the functions over theirs (issue 10: files
 * under ~300 lines, functions under ~60), longest first. Uses the TypeScript parser, so arrow
 * functions, methods and nested functions count too. Usage: node scripts/sizes.mjs [maxFile] [maxFunction]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const FOLDERS = ['runner', 'reporters', 'scenarios', 'simulator', 'shared'];
const maxFile = Number(process.argv[2] ?? 300);
const maxFunction = Number(process.argv[3] ?? 60);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

function nameOf(node) {
  if (node.name) return node.name.getText();
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) return p.name.getText();
  return '(anonymous)';
}

const files = [];
const functions = [];
for (const file of FOLDERS.flatMap(sources)) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > maxFile) files.push({ file, lines });
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      if (end - start + 1 > maxFunction) functions.push({ where: `${file}:${start + 1}`, name: nameOf(node), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
files.sort((a, b) => b.lines - a.lines);
functions.sort((a, b) => b.lines - a.lines);
console.log(`files over ${maxFile} lines: ${files.length}`);
for (const f of files) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}`);
console.log(`functions over ${maxFunction} lines: ${functions.length}`);
for (const f of functions) console.log(`  ${String(f.lines).padStart(5)}  ${f.where}  ${f.name}`);
