/**
 * The open documents of the app's Node side: each in a worker thread of its
 * own (document-worker.ts), so parsing, validating, analysing and laying
 * out a 1,000,000-region host never holds the Electron main process or the
 * serve loop, and cancelling an open just ends its thread. A few documents
 * stay open (the one shown, the one being opened, one more); the oldest
 * beyond that is closed. `inProcess` runs the same sessions in this thread
 * (the transports' tests).
 */
import { Worker } from 'node:worker_threads';
import type { KernelVariant } from '../../engine/host/types.js';
import { ApiError } from '../common/api-contract.js';
import type { OpenedDocument } from '../common/document-contract.js';
import { InputError } from '../node/input-file.js';
import { DocumentSession } from './document-session.js';
import { answer, type DocumentQuery, type DocumentReply, type DocumentRequest } from './document-messages.js';

export const DOCUMENT_WORKER_URL = new URL('./document-worker.js', import.meta.url);

/** Documents kept open at once. */
const KEEP = 3;

export interface OpenArgs {
  requestId: string;
  text: string;
  source: string;
  variant: KernelVariant;
}

export type OpenResult = ({ cancelled: false } & OpenedDocument) | { cancelled: true };

export interface DocumentHost {
  open(a: OpenArgs, progress: (phase: string, message: string) => void): Promise<OpenResult>;
  /** Stops an open under way (its worker ends); false when no open has that request id. */
  cancel(requestId: string): boolean;
  close(docId: string): boolean;
  query(docId: string, q: DocumentQuery): Promise<unknown>;
  destroy(): Promise<void>;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  progress?(phase: string, message: string): void;
}

interface Doc {
  docId: string;
  source: string;
  worker?: Worker;
  session?: DocumentSession;
  pending: Map<number, Pending>;
  requestId?: string;
  used: number;
  ready: boolean;
}

export function createDocumentHost(options: { inProcess?: boolean } = {}): DocumentHost {
  const docs = new Map<string, Doc>();
  let seq = 0;
  let msg = 0;
  let clock = 0;
  /**
   * A worker started ahead of the next open: loading the engine into a new
   * thread takes a few hundred ms, which a sample's open would otherwise
   * wait for every time (one path for every document, big or small).
   */
  let spare: Worker | null = null;
  const startWorker = () =>
    new Worker(DOCUMENT_WORKER_URL, {
      // A generous young generation: allocating millions of small objects then costs far less GC.
      resourceLimits: { maxOldGenerationSizeMb: 8192, maxYoungGenerationSizeMb: 256 },
    });
  function takeWorker(): Worker {
    const w = spare ?? startWorker();
    spare = null;
    return w;
  }

  function failAll(d: Doc, e: unknown) {
    for (const p of d.pending.values()) p.reject(e);
    d.pending.clear();
  }

  function end(d: Doc) {
    docs.delete(d.docId);
    void d.worker?.terminate();
  }

  function evict() {
    const ready = [...docs.values()].filter((d) => d.ready).sort((a, b) => a.used - b.used);
    while (ready.length > KEEP) end(ready.shift()!);
  }

  function outOfMemory(d: Doc): ApiError {
    return new ApiError(
      'bad-input',
      `${d.source}: the app ran out of memory opening it; plan it on the command line (tdx-lab plan ${d.source}, with NODE_OPTIONS=--max-old-space-size=16384 if needed)`,
    );
  }

  function spawn(d: Doc): Worker {
    const w = takeWorker();
    w.on('message', (m: DocumentReply) => {
      const p = d.pending.get(m.id);
      if (!p) return;
      if ('progress' in m) return p.progress?.(m.progress.phase, m.progress.message);
      d.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else if (m.badInput !== undefined) p.reject(new ApiError('bad-input', m.badInput));
      else p.reject(new ApiError('internal', `internal error in the document worker: ${m.error}`));
    });
    w.on('error', (e: Error & { code?: string }) => {
      failAll(
        d,
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? outOfMemory(d)
          : new ApiError('internal', `the document worker stopped: ${e.message}`),
      );
      docs.delete(d.docId);
    });
    w.on('exit', () => {
      failAll(d, new ApiError('not-found', `document ${d.docId} is closed`));
      docs.delete(d.docId);
    });
    return w;
  }

  function send(d: Doc, req: DocumentRequest, progress?: Pending['progress']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      d.pending.set(req.id, { resolve, reject, progress });
      d.worker!.postMessage(req);
    });
  }

  return {
    async open(a, progress) {
      const docId = `doc-${++seq}`;
      const d: Doc = {
        docId,
        source: a.source,
        pending: new Map(),
        requestId: a.requestId,
        used: ++clock,
        ready: false,
      };
      docs.set(docId, d);
      if (options.inProcess) {
        try {
          d.session = DocumentSession.open(a.text, a.source, a.variant, progress);
        } catch (e) {
          docs.delete(docId);
          if (e instanceof InputError) throw new ApiError('bad-input', e.message);
          throw e;
        }
        d.ready = true;
        d.requestId = undefined;
        evict();
        return { cancelled: false, ...d.session.brief(docId) };
      }
      d.worker = spawn(d);
      const t0 = performance.now();
      try {
        const value = (await send(
          d,
          { id: ++msg, op: 'open', docId, text: a.text, source: a.source, variant: a.variant },
          progress,
        )) as OpenedDocument;
        d.ready = true;
        d.requestId = undefined;
        evict();
        // The next open finds its thread loaded; unref'd so it never holds the process open.
        spare ??= startWorker();
        spare.unref();
        const inWorker = value.phases.reduce((s, p) => s + p.ms, 0);
        const phases = [
          ...value.phases,
          { phase: 'thread start, text to the worker, answer back', ms: performance.now() - t0 - inWorker },
        ];
        return { cancelled: false, ...value, phases };
      } catch (e) {
        if ((e as { cancelled?: boolean }).cancelled) return { cancelled: true };
        end(d);
        throw e;
      }
    },
    cancel(requestId) {
      const d = [...docs.values()].find((x) => x.requestId === requestId && !x.ready);
      if (!d) return false;
      const cancelled = Object.assign(new Error('cancelled'), { cancelled: true });
      failAll(d, cancelled);
      end(d);
      return true;
    },
    close(docId) {
      const d = docs.get(docId);
      if (!d) return false;
      end(d);
      return true;
    },
    async query(docId, q) {
      const d = docs.get(docId);
      if (!d || !d.ready)
        throw new ApiError('not-found', `no open document ${docId} (it was closed; open the host again)`);
      d.used = ++clock;
      if (d.session) {
        try {
          return answer(d.session, q);
        } catch (e) {
          if (e instanceof InputError) throw new ApiError('bad-input', e.message);
          throw e;
        }
      }
      return send(d, { id: ++msg, ...q });
    },
    async destroy() {
      const all = [...docs.values()];
      docs.clear();
      const s = spare;
      spare = null;
      await Promise.all([...all.map((d) => d.worker?.terminate()), s?.terminate()]);
    },
  };
}
