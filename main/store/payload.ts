/**
 * Run payloads (a golden RESULT, an InitResult, sweep rows...) as JSON text;
 * above 4 KiB the text is stored raw-deflated (node:zlib), which shrinks the
 * repetitive hex-heavy documents 5-20x. payload_codec says which.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export type PayloadCodec = 'json' | 'json+deflate';
export const COMPRESS_ABOVE = 4096;

export function encodePayload(value: unknown): { data: string | Buffer; codec: PayloadCodec } | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  if (text.length <= COMPRESS_ABOVE) return { data: text, codec: 'json' };
  return { data: deflateRawSync(Buffer.from(text, 'utf8')), codec: 'json+deflate' };
}

export function decodePayload(data: string | Buffer | null, codec: string | null): unknown {
  if (data === null || codec === null) return null;
  if (codec === 'json+deflate') return JSON.parse(inflateRawSync(data as Buffer).toString('utf8'));
  return JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
}
