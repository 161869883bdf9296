import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDbPath, resolveDbPath } from '../../main/store/paths.js';

test('default database path follows each platform convention', () => {
  assert.equal(defaultDbPath('linux', { XDG_DATA_HOME: '/data/me' }, '/home/me'), '/data/me/tdx-lab/lab.db');
  assert.equal(defaultDbPath('linux', {}, '/home/me'), '/home/me/.local/share/tdx-lab/lab.db');
  // A relative XDG_DATA_HOME is invalid per the XDG spec and ignored.
  assert.equal(
    defaultDbPath('linux', { XDG_DATA_HOME: 'rel/dir' }, '/home/me'),
    '/home/me/.local/share/tdx-lab/lab.db',
  );
  assert.equal(defaultDbPath('darwin', {}, '/Users/me'), '/Users/me/Library/Application Support/tdx-lab/lab.db');
  assert.equal(
    defaultDbPath('win32', { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'C:\\Users\\me'),
    'C:\\Users\\me\\AppData\\Roaming\\tdx-lab\\lab.db',
  );
});

test('--db beats TDX_LAB_DB beats the default', () => {
  assert.deepEqual(resolveDbPath('/x/flag.db', { TDX_LAB_DB: '/x/env.db' }), { path: '/x/flag.db', isDefault: false });
  assert.deepEqual(resolveDbPath(undefined, { TDX_LAB_DB: '/x/env.db' }), { path: '/x/env.db', isDefault: false });
  const d = resolveDbPath(undefined, { XDG_DATA_HOME: '/xdg' });
  assert.equal(d.isDefault, true);
  if (process.platform === 'linux') assert.equal(d.path, '/xdg/tdx-lab/lab.db');
});
