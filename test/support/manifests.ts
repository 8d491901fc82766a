/** Reading multi-document YAML manifests in tests. */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';

/** The objects of a multi-document YAML stream; empty documents are skipped, a parse error throws. */
export function parseManifests(text: string, source = '<text>'): any[] {
  const out: any[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source}: document ${i}: ${doc.errors[0].message}`);
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value !== null && value !== undefined) out.push(value);
  });
  return out;
}

/** The objects of a YAML manifest file. */
export function readManifests(file: string): any[] {
  return parseManifests(fs.readFileSync(file, 'utf8'), file);
}
