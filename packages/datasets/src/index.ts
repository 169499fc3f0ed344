/**
 * @packageDocumentation
 * `@dlts/datasets`: the Keras datasets with Keras-exact contents (MNIST, Fashion-MNIST, IMDB,
 * Reuters, Boston housing, CIFAR-10), the safe readers of their file formats (IDX, NPY, NPZ, a
 * pickle subset that never runs code), a Keras-compatible download cache (`getFile`), and the
 * text helpers of the course (`vectorizeSequences`, `padSequences`, `decodeSequence`).
 */
export { loadImdb } from './imdb';
export type { ImdbOptions } from './imdb';
export { loadReuters, REUTERS_LABEL_NAMES } from './reuters';
export type { ReutersOptions } from './reuters';
export type { SequenceData, SequenceSplit, SequenceOptions, DatasetSource } from './sequences';
export { getImdbWordIndex, getReutersWordIndex } from './word-index';
export type { WordIndexOptions } from './word-index';
export { loadBostonHousing } from './boston-housing';
export type { BostonHousingOptions, BostonHousingData, RegressionSplit } from './boston-housing';
export { loadCifar10, CIFAR10_LABEL_NAMES } from './cifar10';
export type { Cifar10Options, Cifar10Data, ImageSplit } from './cifar10';
export { datasetSources, KERAS_FILES } from './keras-files';
export type { KerasFile, KerasFileKey, KerasFileInfo, DownloadingOptions } from './keras-files';
export { vectorizeSequences } from './vectorize-sequences';
export { padSequences } from './pad-sequences';
export type { PadSequencesOptions } from './pad-sequences';
export { decodeSequence } from './decode-sequence';
export type { DecodeSequenceOptions } from './decode-sequence';
/** numpy's legacy `RandomState`, as the loaders shuffle with it (the same class as `NumpyRandomState` of @dlts/tensors). */
export { NumpyRandomState as RandomState } from '@dlts/tensors';
export { readPickle, parsePickle, ALLOWED_PICKLE_GLOBALS } from './pickle';
export type { PickleValue, PickleKey, ReadPickleOptions } from './pickle';
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
