/**
 * The worker thread of one open document (documents.ts starts one per
 * document, so cancelling an open ends only that thread). It opens the
 * document once (DocumentSession), then answers the renderer's windows,
 * pages and queries from what it holds. Bad input comes back as a message,
 * never as a thrown error across threads.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../node/input-file.js';
import { ArtifactError } from '../../engine/import/facts.js';
import { DocumentSession } from './document-session.js';
import type { DocumentReply, DocumentRequest } from './document-messages.js';
import { answer } from './document-messages.js';

let session: DocumentSession | null = null;
const port = parentPort!;

function post(m: DocumentReply): void {
  port.postMessage(m);
}

port.on('message', (m: DocumentRequest) => {
  try {
    if (m.op === 'open') {
      session = DocumentSession.open(m.text, m.source, m.variant, (phase, message) =>
        post({ id: m.id, progress: { phase, message } }),
      );
      post({ id: m.id, ok: true, value: session.brief(m.docId) });
      return;
    }
    if (!session) throw new Error('no document is open in this worker');
    post({ id: m.id, ok: true, value: answer(session, m) });
  } catch (e) {
    if (e instanceof InputError || e instanceof ArtifactError) post({ id: m.id, ok: false, badInput: e.message });
    else post({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
