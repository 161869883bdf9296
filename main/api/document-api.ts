/**
 * The map view's document methods (main/common/document-contract.ts):
 * open a document in a worker of its own with progress and cancel, then
 * windows, pages, shapes and omnibox queries answered from it.
 */
import type { z } from 'zod';
import { ENGINE_VERSION } from '../../engine/version.js';
import type { ApiResults } from '../common/api-contract.js';
import type { DOCUMENT_ARGS, DocumentResults } from '../common/document-contract.js';
import type { Services } from './services.js';
import type { ProgressSink } from './lab-api.js';

type Args<M extends keyof typeof DOCUMENT_ARGS> = z.output<(typeof DOCUMENT_ARGS)[M]>;

export type DocumentHandlers = {
  [M in keyof typeof DOCUMENT_ARGS]: (args: Args<M>, progress: ProgressSink) => Promise<ApiResults[M]>;
};

export function documentHandlers(services: Services): DocumentHandlers {
  const docs = () => services.documents;
  return {
    async openDocument(a, progress) {
      const t0 = Date.now();
      const say = (phase: string, message: string) =>
        progress({ method: 'openDocument', requestId: a.requestId, phase, message, done: Date.now() - t0, total: 0 });
      say('read', `received ${a.source} (${(a.text.length / 1e6).toFixed(1)} MB)`);
      const r = await docs().open(a, say);
      if (r.cancelled) {
        say('cancelled', `stopped opening ${a.source}`);
        return { cancelled: true, requestId: a.requestId };
      }
      say('done', r.outcome.verdict.headline);
      return { ...r, requestId: a.requestId, engineVersion: ENGINE_VERSION };
    },
    async cancelOpen(a) {
      return { cancelled: docs().cancel(a.requestId) };
    },
    async closeDocument(a) {
      return { closed: docs().close(a.docId) };
    },
    async mapWindow(a) {
      return (await docs().query(a.docId, {
        op: 'window',
        window: { domain: a.domain, pixels: a.pixels, compressHoles: a.compressHoles },
      })) as DocumentResults['mapWindow'];
    },
    async documentRows(a) {
      return (await docs().query(a.docId, {
        op: 'rows',
        table: a.table,
        from: a.from,
        count: a.count,
      })) as DocumentResults['documentRows'];
    },
    async documentShapes(a) {
      return (await docs().query(a.docId, {
        op: 'shapes',
        kind: a.kind,
        start: a.start,
        end: a.end,
        limit: a.limit,
      })) as DocumentResults['documentShapes'];
    },
    async documentShape(a) {
      return (await docs().query(a.docId, { op: 'shape', shapeId: a.id })) as DocumentResults['documentShape'];
    },
    async findInDocument(a) {
      return (await docs().query(a.docId, { op: 'find', query: a.query })) as DocumentResults['findInDocument'];
    },
  };
}
