// Renders Markdown files with markdown-it as VS Code's Markdown preview
// configures it (raw HTML on, bare URLs linked), for
// tests/integration/common/renderers.rs. Usage:
//   node markdown_it.mjs LIST OUT_DIR
// LIST holds one input path per line; each is written to OUT_DIR/<n>.markdown-it.html.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const MarkdownIt = require('markdown-it');
const md = new MarkdownIt({ html: true, linkify: true, typographer: true });
const [list, outDir] = process.argv.slice(2);
const inputs = readFileSync(list, 'utf8').split('\n').filter((l) => l.length > 0);
inputs.forEach((input, n) => {
  const body = md.render(readFileSync(input, 'utf8'));
  writeFileSync(path.join(outDir, `${n}.markdown-it.html`), body);
});
