import { describe, expect, it } from 'vitest';
import { isTar, listTar } from './tar';
import { concat, tarBytes } from './test-builders';

const enc = new TextEncoder();

/** A raw 512-byte header with a given type flag and size, checksum filled in. */
function header(name: string, type: string, size: number, extra: (h: Uint8Array) => void = () => {}): Uint8Array {
  const h = new Uint8Array(512);
  h.set(enc.encode(name), 0);
  h.set(enc.encode('0000644\0'), 100);
  h.set(enc.encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode('ustar\0'), 257);
  h.set(enc.encode('00'), 263);
  extra(h);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((s, b) => s + b, 0);
  h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  return concat([data, new Uint8Array((512 - (data.length % 512)) % 512)]);
}

describe('tar reader', () => {
  it('lists files, directories and links', () => {
    const tar = tarBytes([
      { name: 'd/', type: '5' },
      { name: 'd/f.txt', data: enc.encode('hello') },
      { name: 'd/l', type: '2', linkName: 'f.txt' },
    ]);
    expect(isTar(tar)).toBe(true);
    const entries = listTar(tar, 't.tar', 'test');
    expect(entries.map((e) => [e.name, e.type, e.linkName])).toEqual([
      ['d/', 'directory', ''],
      ['d/f.txt', 'file', ''],
      ['d/l', 'symlink', 'f.txt'],
    ]);
    expect(new TextDecoder().decode(entries[1].data)).toBe('hello');
  });

  it('applies the ustar prefix, pax paths and GNU long names', () => {
    const long = `${'x'.repeat(120)}/file.txt`;
    const paxRecord = (() => {
      const body = `path=${long}\n`;
      let length = body.length + 3;
      length = body.length + 1 + String(length).length;
      return enc.encode(`${length} ${body}`);
    })();
    const data = enc.encode('data');
    const tar = concat([
      header('name.txt', '0', 4, (h) => h.set(enc.encode('some/prefix'), 345)),
      padded(data),
      header('././@PaxHeader', 'x', paxRecord.length),
      padded(paxRecord),
      header('short', '0', 4),
      padded(data),
      header('././@LongLink', 'L', long.length + 1),
      padded(enc.encode(`${long}\0`)),
      header('short2', '0', 4),
      padded(data),
      new Uint8Array(1024),
    ]);
    expect(listTar(tar, 't.tar', 'test').map((e) => e.name)).toEqual(['some/prefix/name.txt', long, long]);
  });

  it('rejects a bad checksum and a truncated member, naming the file', () => {
    const tar = tarBytes([{ name: 'f', data: new Uint8Array(2000) }]);
    const bad = tar.slice();
    bad[0] ^= 1;
    expect(isTar(bad)).toBe(false);
    expect(() => listTar(bad, 'bad.tar', 'test')).toThrow(/bad\.tar: corrupt tar archive: bad header checksum/);
    expect(() => listTar(tar.subarray(0, 1024), 'cut.tar', 'test')).toThrow(/cut\.tar: truncated tar archive/);
  });
});
