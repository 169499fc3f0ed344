/**
 * The worker thread of a flow's pool: runs `processImage` for each task it is sent and posts the
 * pixels back (transferring the buffer). Started by `worker_pool.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { processImage, type ImageTask } from './pipeline';

parentPort!.on('message', async (message: { id: number; task: ImageTask }) => {
  try {
    const data = await processImage(message.task);
    parentPort!.postMessage({ id: message.id, data }, [data.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    parentPort!.postMessage({ id: message.id, error: { code: e.code, message: e.message ?? String(error) } });
  }
});
parentPort!.postMessage({ ready: true });
