/**
 * The messages between the documents client (documents.ts) and a
 * document's worker (document-worker.ts), and the one dispatcher that
 * answers a query from a DocumentSession, in the worker or in-process.
 */
import type { KernelVariant } from '../../engine/host/types.js';
import type { ShapeKind } from '../../renderer/map/types.js';
import type { DocumentTable, WindowArgs } from '../common/document-contract.js';
import type { DocumentSession } from './document-session.js';

export type DocumentQuery =
  | { op: 'window'; window: WindowArgs }
  | { op: 'rows'; table: DocumentTable; from: number; count: number }
  | { op: 'shapes'; kind: ShapeKind; start: number; end: number; limit: number }
  | { op: 'shape'; shapeId: string }
  | { op: 'find'; query: string };

export type DocumentRequest =
  | { id: number; op: 'open'; docId: string; text: string; source: string; variant: KernelVariant }
  | ({ id: number } & DocumentQuery);

export type DocumentReply =
  | { id: number; progress: { phase: string; message: string } }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; badInput?: string; error?: string };

export function answer(s: DocumentSession, q: DocumentQuery): unknown {
  switch (q.op) {
    case 'window':
      return s.window(q.window);
    case 'rows':
      return s.tableRows(q.table, q.from, q.count);
    case 'shapes':
      return s.shapesIn(q.kind, q.start, q.end, q.limit);
    case 'shape':
      return s.shape(q.shapeId);
    case 'find':
      return s.find(q.query);
  }
}
