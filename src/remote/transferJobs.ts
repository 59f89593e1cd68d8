/**
 * Running a TransferSpec (transferQueue.ts) over the sites of the window: the same downloadTo, uploadTo, copyPath
 * and moveBetween the commands used before the queue, so a resumed job continues from its part file (download,
 * REST) or its temporary file on the server (upload, REST+STOR or APPE) as any second run of them does.
 */
import { copyPath, moveBetween } from './copy';
import { downloadTo } from './download';
import { FileType, type Site } from './site';
import { runSyncJob } from './sync/job';
import type { Executor, JobContext, TransferSpec } from './transferQueue';
import { localSize, type TransferResult } from './transfers';
import { uploadTo } from './upload';

export interface SiteLookup {
  resolve(nameOrAuthority: string): Site;
}

/** The executor of a queue over `sites`. */
export function siteExecutor(sites: SiteLookup): Executor {
  return (spec, ctx) => runSpec(sites, spec, ctx);
}

export async function runSpec(sites: SiteLookup, spec: TransferSpec, ctx: JobContext): Promise<TransferResult> {
  const site = sites.resolve(spec.site);
  switch (spec.kind) {
    case 'download': {
      await sizeOfRemote(site, spec.remote, ctx);
      return downloadTo(site, spec.remote, spec.localDir, ctx);
    }
    case 'upload': {
      ctx.onSize?.(await localSize(spec.locals));
      return uploadTo(site, spec.locals, spec.remoteDir, ctx);
    }
    case 'copy':
    case 'move': {
      const dst = sites.resolve(spec.toSite);
      await sizeOfRemote(site, spec.from, ctx);
      const o = { overwrite: spec.overwrite, signal: ctx.signal, onBytes: ctx.onBytes, onFile: ctx.onFile };
      if (spec.kind === 'copy') return copyPath(site, spec.from, dst, spec.to, o);
      if (dst !== site) return moveBetween(site, spec.from, dst, spec.to, o);
      await site.rename(spec.from, spec.to, { overwrite: spec.overwrite ?? false });
      return { files: 1, folders: 0, bytes: 0, skipped: [], links: [], kept: [] };
    }
    case 'sync':
      return runSyncJob(site, spec, ctx, { parallel: Math.max(1, site.pool.size) });
  }
}

/** A file's size is the job's size; a folder's is not walked for it (that would list every folder twice). */
async function sizeOfRemote(site: Site, path: string, ctx: JobContext): Promise<void> {
  if (!ctx.onSize) return;
  const st = await site.stat(path);
  if ((st.type & FileType.Directory) === 0) ctx.onSize(st.size);
}
