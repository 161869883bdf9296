/**
 * The schema, as numbered migrations. PRAGMA user_version holds the number of
 * the last one applied; openDatabase applies the missing ones in one write
 * transaction. Never edit a shipped migration: add a new one.
 */
import type Database from 'better-sqlite3';
import { spanClass } from './span-class.js';

/** 'TDXL' as a big-endian int32: marks the file as a TDX Platform Lab notebook. */
export const APPLICATION_ID = 0x5444584c;

export interface Migration {
  version: number;
  what: string;
  /** The tables and indexes it creates: what a file of this version must hold (checked on open). */
  objects: readonly string[];
  up(db: Database.Database): void;
}

const V1 = `
CREATE TABLE sessions (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT,
  created_at  TEXT NOT NULL
);

-- A host as a canonical host JSON document, kept per session so a session is
-- self-contained (export, delete). origin: recorded from a real machine's logs,
-- or planned (written or generated).
CREATE TABLE hosts (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  origin     TEXT NOT NULL CHECK (origin IN ('recorded', 'planned')),
  provenance TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(provenance)),
  host_json  TEXT NOT NULL CHECK (json_valid(host_json)),
  digest     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX hosts_session ON hosts(session_id, digest);

CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  host_id        INTEGER REFERENCES hosts(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL CHECK (kind IN ('plan', 'simulate', 'sweep')),
  engine_version TEXT NOT NULL,
  kernel_variant TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  label          TEXT,
  stage          TEXT,
  errno          TEXT,
  tdmr_count     INTEGER,
  tdx_bytes      INTEGER,
  pamt_kb        INTEGER,
  event_count    INTEGER NOT NULL DEFAULT 0,
  summary        TEXT CHECK (summary IS NULL OR json_valid(summary)),
  payload        BLOB,
  payload_codec  TEXT CHECK (payload_codec IN ('json', 'json+deflate')),
  created_at     TEXT NOT NULL
);
CREATE INDEX runs_session ON runs(session_id, id);
CREATE INDEX runs_host ON runs(host_id);

-- The kernel's TDMR table of a run, one row per TDMR, in order.
CREATE TABLE run_tdmrs (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx       INTEGER NOT NULL,
  base      INTEGER NOT NULL,
  size      INTEGER NOT NULL,
  pamt_nid  INTEGER,
  pamt_base INTEGER,
  pamt_4k   INTEGER,
  pamt_2m   INTEGER,
  pamt_1g   INTEGER,
  reserved  TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

-- A run's timeline: hotplug, SEAMCALL, kernel log... Addresses are exact
-- integers (< 2^53); [addr_start, addr_end) or both NULL.
CREATE TABLE events (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  t          REAL NOT NULL,
  kind       TEXT NOT NULL,
  addr_start INTEGER,
  addr_end   INTEGER,
  payload    TEXT,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_time ON events(run_id, t);

CREATE TABLE notes (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  run_id     INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  event_seq  INTEGER,
  addr_start INTEGER,
  addr_end   INTEGER,
  text       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX notes_session ON notes(session_id, id);
CREATE INDEX notes_run ON notes(run_id);
`;

const V2 = `
-- The address index: one row per event that touches memory, keyed by span
-- class then start (span-class.ts). Its own table so a run's rows can be
-- written in key order (appends) after the events themselves.
CREATE TABLE event_addrs (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  span_class INTEGER NOT NULL,
  addr_start INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  addr_end   INTEGER NOT NULL,
  PRIMARY KEY (run_id, span_class, addr_start, seq)
) WITHOUT ROWID;
INSERT INTO event_addrs (run_id, span_class, addr_start, seq, addr_end)
  SELECT run_id, tdx_span_class(addr_end - addr_start), addr_start, seq, addr_end
  FROM events WHERE addr_start IS NOT NULL ORDER BY 1, 2, 3, 4;

-- Report exports written from a session (local history; not part of an export file).
CREATE TABLE exports (
  id             INTEGER PRIMARY KEY,
  session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  format         TEXT NOT NULL,
  format_version INTEGER NOT NULL,
  path           TEXT NOT NULL,
  bytes          INTEGER NOT NULL,
  created_at     TEXT NOT NULL
);
CREATE INDEX exports_session ON exports(session_id);
`;

const V3 = `
-- Host texts longer than a few MiB, in parts (host-text.ts): a hosts row with
-- in_parts = 1 has host_json = 'null' and its text is its parts joined in seq
-- order. ADD COLUMN with a constant default rewrites no row. A rowid table, as
-- SQLite advises for rows of MiBs (WITHOUT ROWID suits small rows).
ALTER TABLE hosts ADD COLUMN in_parts INTEGER NOT NULL DEFAULT 0;
CREATE TABLE host_parts (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  part    TEXT NOT NULL,
  PRIMARY KEY (host_id, seq)
);
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'sessions, hosts, runs, TDMR tables, events (time index), notes',
    objects: [
      'sessions',
      'hosts',
      'hosts_session',
      'runs',
      'runs_session',
      'runs_host',
      'run_tdmrs',
      'events',
      'events_time',
      'notes',
      'notes_session',
      'notes_run',
    ],
    up(db) {
      db.exec(V1);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    },
  },
  {
    version: 2,
    what: 'event_addrs address index (span classes), report exports',
    objects: ['event_addrs', 'exports', 'exports_session'],
    up(db) {
      db.function('tdx_span_class', { deterministic: true }, (span: unknown) => spanClass(Number(span)));
      db.exec(V2);
    },
  },
  {
    version: 3,
    what: 'host texts in parts (host_parts, hosts.in_parts)',
    objects: ['host_parts'],
    up(db) {
      db.exec(V3);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above the file's version up to `target`, in one
 * IMMEDIATE transaction (so two processes opening a new file do not both
 * migrate: the second re-reads the version once it holds the lock).
 */
export function migrateTo(db: Database.Database, target: number = SCHEMA_VERSION): number {
  const apply = db.transaction(() => {
    const from = userVersion(db);
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
    return userVersion(db);
  });
  return apply.immediate();
}

/**
 * Whether the tables and indexes match the schema version the file claims:
 * undefined when they do, else what is wrong. A mismatch means something
 * other than tdx-lab changed the file; migrating it would fail half-way.
 */
export function schemaMismatch(db: Database.Database, version: number): string | undefined {
  const have = new Set(
    (
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'`)
        .all() as {
        name: string;
      }[]
    ).map((r) => r.name),
  );
  for (const m of MIGRATIONS) {
    for (const o of m.objects) {
      if (m.version <= version && !have.has(o))
        return `schema version ${version}, but ${o} (of version ${m.version}) is missing`;
      if (m.version > version && have.has(o))
        return `schema version ${version}, but it already has ${o}, which version ${m.version} adds`;
    }
  }
  return undefined;
}
