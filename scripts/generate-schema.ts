// `npm run schema`: writes schema/contract.schema.json and the field tables of docs/contracts.md from src/contracts/schema.ts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import {
  renderFieldReference,
  renderSchemaFile,
  replaceGeneratedBlock,
} from '../src/contracts/reference-doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'schema', 'contract.schema.json');
const docPath = join(root, 'docs', 'contracts.md');

mkdirSync(dirname(schemaPath), { recursive: true });
writeFileSync(schemaPath, renderSchemaFile());
console.log(`wrote ${schemaPath}`);

if (existsSync(docPath)) {
  const before = readFileSync(docPath, 'utf8');
  const options = { ...(await resolveConfig(docPath)), filepath: docPath };
  const after = await format(replaceGeneratedBlock(before, renderFieldReference()), options);
  if (after !== before) writeFileSync(docPath, after);
  console.log(`${after === before ? 'unchanged' : 'updated'} ${docPath}`);
}
