/**
 * @packageDocumentation
 * `@dlts/datasets`: the Keras datasets with Keras-exact contents, the safe readers of their file
 * formats (IDX, NPY, NPZ) and a Keras-compatible download cache (`getFile`).
 */
export { loadMnist, loadFashionMnist, mnistSources, KERAS_DATASETS_ORIGIN, DEBIAN_FASHION_MNIST_DIR } from './mnist';
export type {
  MnistData,
  MnistSplit,
  MnistSource,
  MnistOptions,
  FashionMnistOptions,
  MnistSourceInfo,
  DatasetFileInfo,
  DataOrigin,
} from './mnist';
export { readIdx, parseIdx } from './idx';
export type { ReadIdxOptions } from './idx';
export { readNpy, readNpyHeader } from './npy';
export type { NpyArray, NpyObjectArray, NpyHeader, ReadNpyOptions, ObjectArrayReader, ObjectArrayInfo } from './npy';
export { readNpz } from './npz';
export type { ReadNpzOptions } from './npz';
export type { NdArray, NdData, NdDtype } from './ndarray';
export { getFile, getFileWithOrigin } from './get-file';
export type { GetFileOptions, FileOrigin } from './get-file';
export { downloadFile, setFetch } from './download';
export type { DownloadOptions, FetchLike } from './download';
export { dataDir, kerasHome, isOffline, hashFile, validateFile } from './cache';
export type { HashAlgorithm } from './cache';
export type { ArchiveFormat } from './archive';
export type { ByteSource } from './input';
