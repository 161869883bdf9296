/**
 * Host -> canonical host JSON (golden README "HOST", plus the optional
 * extension fields). The inverse of engine/host/validate.ts parseHost.
 */
import type { Host } from '../host/types.js';
import { hex } from './hex.js';

export interface HostJson {
  name: string;
  description?: string;
  memblock: { start: string; end: string; nid: number; zone?: 'movable' }[];
  reserved: { start: string; end: string; what?: string }[];
  module: Record<string, unknown>;
  cmrs: { base: string; size: string }[];
  platform?: Record<string, unknown>;
  devices?: Record<string, unknown>[];
}

export function hostToJson(host: Host): HostJson {
  const out: HostJson = { name: host.name, memblock: [], reserved: [], module: {}, cmrs: [] };
  if (host.description !== undefined) out.description = host.description;
  out.memblock = host.memblock.map((r) =>
    r.zone
      ? { start: hex(r.start), end: hex(r.end), nid: r.nid, zone: r.zone }
      : { start: hex(r.start), end: hex(r.end), nid: r.nid },
  );
  out.reserved = host.reserved.map((r) =>
    r.what !== undefined
      ? { start: hex(r.start), end: hex(r.end), what: r.what }
      : { start: hex(r.start), end: hex(r.end) },
  );
  const m = host.module;
  out.module = {
    max_tdmrs: m.max_tdmrs,
    max_reserved_per_tdmr: m.max_reserved_per_tdmr,
    pamt_entry_size: { ...m.pamt_entry_size },
  };
  if (m.version !== undefined) out.module.version = m.version;
  if (m.tdx_features0 !== undefined) out.module.tdx_features0 = hex(m.tdx_features0);
  if (m.sys_rd_supported !== undefined) out.module.sys_rd_supported = m.sys_rd_supported;
  out.cmrs = host.cmrs.map((c) => ({ base: hex(c.base), size: hex(c.size) }));
  if (host.platform) {
    const { memory_block_size, ...rest } = host.platform;
    out.platform = { ...rest };
    if (memory_block_size !== undefined) out.platform.memory_block_size = hex(memory_block_size);
  }
  if (host.devices) {
    out.devices = host.devices.map((d) => {
      const o: Record<string, unknown> = {
        name: d.name,
        kind: d.kind,
        start: hex(d.start),
        end: hex(d.end),
        nid: d.nid,
      };
      if (d.zone) o.zone = d.zone;
      return o;
    });
  }
  return out;
}
