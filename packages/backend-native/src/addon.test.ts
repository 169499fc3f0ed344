import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHint, loadAddon } from './addon';
import { nativeStatus } from './register';

describe('loading the addon', () => {
  it('reports a missing addon as unavailable, with how to install oneDNN', () => {
    const { addon, status } = loadAddon(join(tmpdir(), 'no-such-dir', 'dlts_native.node'));
    expect(addon).toBeUndefined();
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(/not built/);
    expect(status.hint).toBe(installHint());
    expect(installHint('linux')).toContain('apt-get install libdnnl-dev');
    expect(installHint('darwin')).toContain('brew install onednn');
  });

  it('reports an addon that does not load as unavailable, with the loader message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlts-native-'));
    const file = join(dir, 'dlts_native.node');
    writeFileSync(file, 'not a shared library');
    try {
      const { status } = loadAddon(file);
      expect(status.available).toBe(false);
      expect(status.reason).toMatch(/failed to load|missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nativeStatus describes the built addon: oneDNN version, threads, ISA (or why it is missing)', () => {
    const status = nativeStatus();
    if (status.available) {
      expect(status.onednn).toMatch(/^\d+\.\d+\.\d+$/);
      expect(status.threads).toBeGreaterThan(0);
      // oneDNN's effective ISA as native/addon.cc names it.
      expect(status.isa).toMatch(/^(sse41|avx|avx2|avx512_core|avx512_core_vnni|avx512_core_bf16|avx512_core_amx|other)$/);
    } else {
      // CI builds the addon and runs the suite on it: there it must be available.
      expect(process.env.DLTS_BACKEND).not.toBe('native');
      expect(status.hint).toBe(installHint());
    }
  });
});
