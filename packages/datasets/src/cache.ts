/** The cache helpers of @dlts/tensors, used throughout this package. */
export { cacheFolder, dataDir, hashFile, isOffline, kerasHome, resolveHashAlgorithm, validateFile } from '@dlts/tensors';
export type { HashAlgorithm } from '@dlts/tensors';
