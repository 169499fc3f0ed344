#!/usr/bin/env node
/**
 * Builds the native addon (build/Release/dlts_native.node) from native/*.cc against oneDNN.
 *
 * Runs at install time. It never fails the installation: when oneDNN, a C++ compiler or the
 * Node headers are missing, it writes build/status.json with the reason and how to fix it, prints
 * one line, and exits 0; `@dlts/backend-native` then reports the backend as unavailable and
 * `initBackend('auto')` uses wasm.
 *
 *   node scripts/install.mjs            build if needed (skips when the addon is up to date)
 *   node scripts/install.mjs --force    rebuild
 *   node scripts/install.mjs --verbose  show the compiler output
 *
 * Environment: DLTS_NATIVE_SKIP_BUILD=1 skips the build; DNNL_ROOT points at a oneDNN install
 * (include/ and lib/); CXX picks the compiler; DLTS_NATIVE_MARCH sets -march (default: x86-64-v3,
 * AVX2 + FMA, when this machine has them; `native` for this very CPU; `none` for the compiler's
 * default). oneDNN picks its own kernels (AVX-512, AMX, ...) at run time whatever this is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'build');
const addon = join(build, 'Release', 'dlts_native.node');
const statusFile = join(build, 'status.json');
const force = process.argv.includes('--force');
const verbose = process.argv.includes('--verbose') || process.env.DLTS_NATIVE_VERBOSE === '1';
const sources = readdirSync(join(root, 'native'))
  .filter((f) => f.endsWith('.cc'))
  .sort()
  .map((f) => join(root, 'native', f));

const HINT =
  process.platform === 'darwin'
    ? 'brew install onednn libomp, then `pnpm rebuild @dlts/backend-native`'
    : 'apt-get install libdnnl-dev g++ (Debian/Ubuntu; dnf install onednn-devel on Fedora), then `pnpm rebuild @dlts/backend-native`';

function writeStatus(status) {
  mkdirSync(build, { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify({ ...status, platform: process.platform, arch: process.arch, node: process.version }, null, 2)}\n`);
}

function fail(reason, log = '') {
  writeStatus({ ok: false, reason, hint: HINT, log: log.slice(-4000) });
  console.warn(`@dlts/backend-native: not built (${reason}). For the fast native backend: ${HINT}. dlts uses the wasm backend until then.`);
  process.exit(0);
}

function run(cmd, args, options = {}) {
  if (verbose) console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000, ...options });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (verbose) process.stdout.write(out);
  return { ok: r.status === 0 && !r.error, out: r.error ? `${r.error.message}\n${out}` : out };
}

function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const inputs = [...sources, ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f)), join(root, 'binding.gyp')];
  return inputs.every((f) => statSync(f).mtimeMs <= built);
}

/** Directories that may hold headers: DNNL_ROOT, Homebrew, /usr/local, /usr. */
function includeDirs() {
  const dirs = [];
  if (process.env.DNNL_ROOT) dirs.push(join(process.env.DNNL_ROOT, 'include'));
  if (process.platform === 'darwin') dirs.push('/opt/homebrew/include', '/usr/local/include', '/opt/homebrew/opt/libomp/include', '/usr/local/opt/libomp/include');
  dirs.push('/usr/local/include', '/usr/include');
  return dirs;
}

function libDirs() {
  const dirs = [];
  if (process.env.DNNL_ROOT) dirs.push(join(process.env.DNNL_ROOT, 'lib'), join(process.env.DNNL_ROOT, 'lib64'));
  if (process.platform === 'darwin') dirs.push('/opt/homebrew/lib', '/usr/local/lib', '/opt/homebrew/opt/libomp/lib', '/usr/local/opt/libomp/lib');
  return dirs;
}

/** The Node headers on this machine: <prefix>/include/node next to the node binary, or the system's. */
function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/local/include/node', '/usr/include/node'];
  return candidates.find((d) => existsSync(join(d, 'node_api.h')));
}

/** -march for our own loops: AVX2 + FMA (x86-64-v3) when this machine has them, unless told otherwise. */
function archFlags() {
  const wanted = process.env.DLTS_NATIVE_MARCH;
  if (wanted === 'none' || wanted === '') return [];
  if (wanted) return [`-march=${wanted}`];
  if (process.arch !== 'x64') return [];
  let flags = '';
  try {
    if (process.platform === 'linux') flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
    else if (process.platform === 'darwin') flags = spawnSync('sysctl', ['-n', 'machdep.cpu.leaf7_features', 'machdep.cpu.features'], { encoding: 'utf8' }).stdout.toLowerCase();
  } catch {
    return [];
  }
  const has = (f) => new RegExp(`\\b${f}\\b`).test(flags);
  return has('avx2') && has('fma') && has('bmi2') ? ['-march=x86-64-v3'] : [];
}

/** Runs a command asynchronously; resolves to {ok, out}. */
function runAsync(cmd, args) {
  if (verbose) console.log(`$ ${cmd} ${args.join(' ')}`);
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => done({ ok: false, out: `${e.message}\n${out}` }));
    child.on('close', (code) => {
      if (verbose) process.stdout.write(out);
      done({ ok: code === 0, out });
    });
  });
}

/** Compiles native/*.cc in parallel (one compiler per core), then links the addon. */
async function buildDirect(headers, arch) {
  const cxx = process.env.CXX || 'c++';
  const out = join(build, 'Release');
  const objDir = join(build, 'obj');
  mkdirSync(out, { recursive: true });
  mkdirSync(objDir, { recursive: true });
  const cflags = ['-std=c++17', '-O3', '-fPIC', '-fno-math-errno', '-DNAPI_VERSION=8', '-DNODE_GYP_MODULE_NAME=dlts_native', `-I${headers}`, ...arch];
  // /usr/include and /usr/local/include are searched anyway; naming them would reorder the search.
  for (const d of includeDirs()) if (existsSync(d) && !d.startsWith('/usr/')) cflags.push(`-I${d}`);
  if (process.platform === 'darwin') cflags.push('-Xpreprocessor', '-fopenmp');
  else cflags.push('-fopenmp');
  const queue = [...sources];
  const objects = sources.map((f) => join(objDir, basename(f).replace(/\.cc$/, '.o')));
  let failure;
  const worker = async () => {
    for (let src = queue.shift(); src !== undefined && !failure; src = queue.shift()) {
      const r = await runAsync(cxx, [...cflags, '-c', src, '-o', join(objDir, basename(src).replace(/\.cc$/, '.o'))]);
      if (!r.ok) failure = r;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), sources.length)) }, worker));
  if (failure) return failure;
  const ldflags = ['-shared'];
  for (const d of libDirs()) if (existsSync(d)) ldflags.push(`-L${d}`, `-Wl,-rpath,${d}`);
  if (process.platform === 'darwin') ldflags.push('-undefined', 'dynamic_lookup');
  else ldflags.push('-fopenmp');
  const libs = process.platform === 'darwin' ? ['-ldnnl', '-lomp'] : ['-ldnnl'];
  return runAsync(cxx, [...ldflags, ...objects, '-o', addon, ...libs]);
}

function findNodeGyp() {
  // npm and pnpm put their bundled node-gyp on PATH (and npm sets npm_config_node_gyp) in scripts.
  const fromEnv = process.env.npm_config_node_gyp;
  if (fromEnv && existsSync(fromEnv)) return [process.execPath, fromEnv];
  const probe = spawnSync('node-gyp', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return ['node-gyp'];
  const npmBundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(npmBundled)) return [process.execPath, npmBundled];
  return undefined;
}

function buildWithNodeGyp(headers, arch) {
  const gyp = findNodeGyp();
  if (!gyp) return { ok: false, out: 'node-gyp not found' };
  const args = ['rebuild', '--jobs=max'];
  // Local headers (/usr/include/node or <prefix>/include/node): no download of the Node headers.
  if (headers) args.push(`--nodedir=${resolve(headers, '..', '..')}`);
  const env = { ...process.env, CXXFLAGS: `${process.env.CXXFLAGS ?? ''} ${arch.join(' ')}` };
  if (process.env.DNNL_ROOT) {
    env.CXXFLAGS = `${env.CXXFLAGS ?? ''} -I${join(process.env.DNNL_ROOT, 'include')}`;
    env.LDFLAGS = `${env.LDFLAGS ?? ''} -L${join(process.env.DNNL_ROOT, 'lib')} -Wl,-rpath,${join(process.env.DNNL_ROOT, 'lib')}`;
  }
  return run(gyp[0], [...gyp.slice(1), ...args], { env });
}

async function main() {
  if (process.env.DLTS_NATIVE_SKIP_BUILD === '1') fail('DLTS_NATIVE_SKIP_BUILD=1');
  if (!force && upToDate()) return;
  const dnnl = includeDirs().find((d) => existsSync(join(d, 'dnnl.hpp')) || existsSync(join(d, 'oneapi', 'dnnl', 'dnnl.hpp')));
  if (!dnnl) fail('the oneDNN headers (dnnl.hpp) were not found');
  const headers = nodeHeaders();
  rmSync(addon, { force: true });
  const started = Date.now();
  let arch = archFlags();
  let result = headers ? await buildDirect(headers, arch) : { ok: false, out: 'no local Node headers' };
  if (!result.ok && headers && arch.length > 0) {
    // An older compiler may not know the -march level: build for the compiler's default instead.
    arch = [];
    result = await buildDirect(headers, arch);
  }
  let how = 'c++';
  if (!result.ok) {
    const direct = result.out;
    result = buildWithNodeGyp(headers, arch);
    how = 'node-gyp';
    if (!result.ok) fail(`the C++ build failed (its output is in ${statusFile})`, `${direct}\n--- node-gyp ---\n${result.out}`);
  }
  if (!existsSync(addon)) fail('the build produced no addon', result.out);
  writeStatus({ ok: true, builtWith: how, march: arch.join(' ') || 'default', seconds: Math.round((Date.now() - started) / 100) / 10 });
  console.log(`@dlts/backend-native: built the native addon with ${how}${arch.length ? ` (${arch.join(' ')})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
