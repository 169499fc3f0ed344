import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DltsError } from '../errors';
import { ZipArchive } from './zip';

// Archives written by Python's zipfile (an independent writer): stored and deflated members, a
// zip64 member, a directory and a Unix symbolic link.
const python = ['python3', '/usr/bin/python3'].find((exe) => {
  try {
    execFileSync(exe, ['-c', 'import zipfile'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

const root = mkdtempSync(join(tmpdir(), 'dlts-zip-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const archive = join(root, 'a.zip');
const big = Buffer.from('0123456789abcdef'.repeat(5000));

beforeAll(() => {
  if (!python) return;
  writeFileSync(join(root, 'big.bin'), big);
  execFileSync(python, [
    '-c',
    `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr(zipfile.ZipInfo('dir/'), b'')
    z.writestr('dir/stored.txt', b'hello', compress_type=zipfile.ZIP_STORED)
    z.writestr('deflated.bin', open(sys.argv[2], 'rb').read(), compress_type=zipfile.ZIP_DEFLATED)
    with z.open('zip64.txt', 'w', force_zip64=True) as f:
        f.write(b'large sizes')
    link = zipfile.ZipInfo('link')
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    z.writestr(link, b'/etc/passwd')
`,
    archive,
    join(root, 'big.bin'),
  ]);
});

/** `archive` with `patch` applied to a copy of its bytes. */
function patched(name: string, patch: (bytes: Buffer) => Buffer): string {
  const path = join(root, name);
  writeFileSync(path, patch(Buffer.from(readFileSync(archive))));
  return path;
}

describe.skipIf(!python)('ZipArchive (archives written by Python zipfile)', () => {
  it('lists, reads and extracts stored, deflated and zip64 members, and marks directories and links', async () => {
    const zip = await ZipArchive.open(archive, { fn: 'test' });
    try {
      const members = await zip.members();
      expect(members.map((m) => [m.name, m.method, m.isDirectory, m.isSymlink])).toEqual([
        ['dir/', 0, true, false],
        ['dir/stored.txt', 0, false, false],
        ['deflated.bin', 8, false, false],
        ['zip64.txt', 0, false, false],
        ['link', 0, false, true],
      ]);
      const byName = (n: string) => members.find((m) => m.name === n)!;
      expect((await zip.read(byName('dir/stored.txt'), 100)).toString()).toBe('hello');
      expect((await zip.read(byName('zip64.txt'), 100)).toString()).toBe('large sizes');
      expect((await zip.read(byName('dir/'), 0)).length).toBe(0);
      const target = join(root, 'deflated.out');
      await zip.extract(byName('deflated.bin'), target);
      expect(readFileSync(target).equals(big)).toBe(true);
      // An existing target is refused unless asked to overwrite.
      await expect(zip.extract(byName('deflated.bin'), target)).rejects.toMatchObject({ code: 'DLTS_IO' });
      await zip.extract(byName('dir/stored.txt'), target, { overwrite: true });
      expect(readFileSync(target, 'utf8')).toBe('hello');
      await expect(zip.read(byName('deflated.bin'), 1000)).rejects.toThrow(`test: deflated.bin in ${archive} is too large (80000 bytes; at most 1000)`);
    } finally {
      await zip.close();
    }
  });

  it('refuses damaged archives with the caller’s name, wording and code', async () => {
    const options = { fn: 'extractZip', what: 'test archive', code: 'DLTS_DATASET_FORMAT' as const };
    const truncated = patched('truncated.zip', (b) => b.subarray(0, b.length - 30));
    const zip1 = await ZipArchive.open(truncated, options);
    await expect(zip1.members()).rejects.toMatchObject({
      code: 'DLTS_DATASET_FORMAT',
      message: expect.stringContaining(`extractZip: ${truncated} is not a valid test archive: not a complete zip archive`),
    });
    await zip1.close();

    // Damage inside the deflated data: it no longer inflates, or inflates to other bytes.
    const damaged = patched('damaged.zip', (b) => {
      const at = b.indexOf('deflated.bin') + 'deflated.bin'.length + 10;
      for (let i = 0; i < 8; i++) b[at + i] ^= 0xff;
      return b;
    });
    const zip2 = await ZipArchive.open(damaged, options);
    const member2 = (await zip2.members()).find((m) => m.name === 'deflated.bin')!;
    const error = await zip2.read(member2, 1 << 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DltsError);
    expect(error).toMatchObject({ code: 'DLTS_DATASET_FORMAT', message: expect.stringMatching(/deflated\.bin in .* is corrupt: (it does not inflate|CRC-32 mismatch|more than the declared|\d+ bytes instead)/) });
    await zip2.close();

    // A member that inflates beyond its declared size (a zip bomb) is cut off.
    const bomb = patched('bomb.zip', (b) => {
      const cd = b.lastIndexOf(Buffer.from('deflated.bin')) - 46;
      b.writeUInt32LE(100, cd + 24); // declared uncompressed size
      return b;
    });
    const zip3 = await ZipArchive.open(bomb, options);
    const member3 = (await zip3.members()).find((m) => m.name === 'deflated.bin')!;
    await expect(zip3.read(member3, 1 << 20)).rejects.toThrow(`extractZip: deflated.bin in ${bomb} is corrupt: more than the declared 100 bytes`);
    await zip3.close();

    // Encrypted members are refused before anything is read.
    const encrypted = patched('encrypted.zip', (b) => {
      const cd = b.lastIndexOf(Buffer.from('dir/stored.txt')) - 46;
      b.writeUInt16LE(b.readUInt16LE(cd + 8) | 1, cd + 8);
      return b;
    });
    const zip4 = await ZipArchive.open(encrypted, options);
    const member4 = (await zip4.members()).find((m) => m.name === 'dir/stored.txt')!;
    await expect(zip4.read(member4, 100)).rejects.toThrow('encrypted members are not supported');
    await zip4.close();

    await expect(ZipArchive.open(join(root, 'missing.zip'), options)).rejects.toMatchObject({ code: 'DLTS_IO', message: expect.stringContaining('extractZip: cannot read') });
  });
});
