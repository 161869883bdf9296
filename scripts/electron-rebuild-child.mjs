// Child of main/native-binding/electron-rebuild.ts: builds ONE staged module
// for Electron with @electron/rebuild. The stage (a temp folder outside the
// checkout) is both the build path and the project root, so the module search
// never climbs into the checkout's node_modules.
//   node scripts/electron-rebuild-child.mjs '<RebuildChildJob JSON>'
import { rebuild } from '@electron/rebuild';

const job = JSON.parse(process.argv[2]);
await rebuild({
  buildPath: job.stageDir,
  projectRootPath: job.stageDir,
  electronVersion: job.electronVersion,
  platform: job.platform,
  arch: job.arch,
  onlyModules: [job.module],
  force: true,
  mode: 'sequential',
  buildFromSource: job.buildFromSource,
  ...(job.headerURL && { headerURL: job.headerURL }),
});
console.log(`built ${job.module}`);
