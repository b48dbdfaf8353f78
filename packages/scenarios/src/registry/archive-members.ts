import { createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { x as extractTar } from 'tar';
import yauzl from 'yauzl';
import { DatasetFormatError } from '../errors/dataset-errors.js';
import { tempPathBeside } from '../formats/atomic-write.js';

function normalise(path: string): string {
  return path.replace(/^\.\//, '');
}

function missing(archive: string, wanted: Readonly<Record<string, string>>, found: Set<string>): void {
  const absent = Object.keys(wanted).filter((m) => !found.has(m));
  if (absent.length > 0) throw new DatasetFormatError(archive, 'missing-member', `the archive lacks ${absent.join(', ')}`);
}

/**
 * Extracts `members` (archive path -> local file name) of a tar.gz into
 * `destDir`, through a scratch directory and a rename per file. Returns the
 * written paths by local name.
 */
export async function extractTarGzMembers(archive: string, members: Readonly<Record<string, string>>, destDir: string): Promise<Record<string, string>> {
  mkdirSync(destDir, { recursive: true });
  const scratch = mkdtempSync(join(destDir, '.extract-'));
  try {
    await extractTar({ file: archive, cwd: scratch, strict: true, filter: (path) => normalise(path) in members });
    const found = new Set(Object.keys(members).filter((m) => existsSync(join(scratch, m))));
    missing(archive, members, found);
    const written: Record<string, string> = {};
    for (const [member, local] of Object.entries(members)) {
      const target = join(destDir, local);
      renameSync(join(scratch, member), target);
      written[local] = target;
    }
    return written;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

/**
 * Extracts `members` (archive path -> local file name) of a zip into
 * `destDir`, each streamed to a temp file and renamed. Returns the written
 * paths by local name.
 */
export async function extractZipMembers(archive: string, members: Readonly<Record<string, string>>, destDir: string): Promise<Record<string, string>> {
  mkdirSync(destDir, { recursive: true });
  const zip = await openZip(archive);
  const written: Record<string, string> = {};
  const found = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = normalise(entry.fileName);
      const local = members[name];
      if (local === undefined) {
        zip.readEntry();
        return;
      }
      const target = join(destDir, local);
      const temp = tempPathBeside(target);
      openEntry(zip, entry)
        .then((stream) => pipeline(stream, createWriteStream(temp)))
        .then(() => {
          renameSync(temp, target);
          written[local] = target;
          found.add(name);
          zip.readEntry();
        })
        .catch((error: unknown) => {
          rmSync(temp, { force: true });
          zip.close();
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
    zip.readEntry();
  });
  missing(archive, members, found);
  return written;
}
