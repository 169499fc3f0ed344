/**
 * @packageDocumentation
 * Private test helpers of the dlts monorepo.
 */
export { repoRoot, sharedData, sharedCourse, DEBIAN_FASHION_MNIST } from './fixtures';
export { expectTensorsClose } from './close';
export type { Tolerance } from './close';
export { suiteBackend } from './backend';
export { zipBytes } from './zip';
export type { ZipSpecMember } from './zip';
