/**
 * Input of the `check` benchmark: about N MB of manifests built from the committed dist/, the
 * control plane once and the demo app copied into as many namespaces as it takes (50 copies per
 * file), so that every object is distinct and every rule has work to do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', '..', 'dist');

function distFile(suffix: string): string {
  const name = fs.readdirSync(DIST).find((f) => f.endsWith(suffix));
  if (!name) throw new Error(`no dist/*${suffix}: run npm run synth first`);
  return fs.readFileSync(path.join(DIST, name), 'utf8');
}

/** Writes about `sizeMb` MB (10^6 bytes) of manifests into `dir`; returns the exact byte count. */
export function writeCheckInput(dir: string, sizeMb: number): number {
  const controlPlane = distFile('-linkerd-control-plane.yaml');
  const demo = distFile('-demo.yaml');
  fs.writeFileSync(path.join(dir, '00-control-plane.yaml'), controlPlane);
  let bytes = Buffer.byteLength(controlPlane);
  let copies: string[] = [];
  let file = 0;
  const flush = () => {
    fs.writeFileSync(path.join(dir, `app-${String(file++).padStart(4, '0')}.yaml`), copies.join('---\n'));
    copies = [];
  };
  for (let n = 0; bytes < sizeMb * 1_000_000; n++) {
    const copy = demo.replace(/\bdemo\b/g, `demo-${n}`);
    copies.push(copy);
    bytes += Buffer.byteLength(copy) + 4;
    if (copies.length === 50) flush();
  }
  if (copies.length > 0) flush();
  return bytes;
}
