/**
 * @packageDocumentation
 * `@dlts/tensors`: backend selection (with the training kernels the wasm backend lacks), one
 * seeded random stream, and the tensor utilities of the Keras course.
 */
export * as tf from '@tensorflow/tfjs-core';
export { initBackend, backendInfo, parseBackendPreference } from './backend';
export type { BackendName, BackendPreference, BackendInfo, InitBackendOptions } from './backend';
export { registerWasmKernels, wasmKernelConfigs } from './kernels/index';
export { ensureGradients, gradientsRegistered } from './gradients';
export { setSeed, random, randomInt, nextSeed, createRandom, shuffleInPlace, permutation } from './seed';
export type { RandomSource } from './seed';
export { NumpyRandomState } from './numpy_random';
export { DltsError, check, received } from './errors';
export type { DltsErrorCode } from './errors';
export { toCategorical } from './categorical';
export { formatR } from './format_r';
export type { FormatROptions } from './format_r';
export { formatStr, formatStrHistory } from './format_str';
export { arrayReshape, reshapeColumnMajor } from './reshape';
export { fitStandardizer } from './standardize';
export type { Standardizer, StandardizerOptions } from './standardize';
export { kFold, trainValidationSplit } from './split';
export { getFile, getFileWithOrigin } from './files/get_file';
export type { GetFileOptions, FileOrigin } from './files/get_file';
export { downloadFile, setFetch } from './files/download';
export type { DownloadOptions, FetchLike } from './files/download';
export { cacheFolder, dataDir, hashFile, isOffline, kerasHome, resolveHashAlgorithm, validateFile } from './files/cache';
export type { HashAlgorithm } from './files/cache';
export { ZipArchive } from './files/zip';
export type { ZipMember, ZipOptions } from './files/zip';
export type { Fold, KFoldOptions, SplitOptions } from './split';
