/** The downloader of @dlts/tensors, used throughout this package. */
export { downloadFile, setFetch } from '@dlts/tensors';
export type { DownloadOptions, FetchLike } from '@dlts/tensors';
