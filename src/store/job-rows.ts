/** The jobs table's row shape (same on every engine) and its mapping to the Store's Job. */
import type { JobState } from '../domain/job-state.ts';
import type { Job } from './jobs.ts';

export interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  params: string;
  total: number;
  done: number;
  failed: number;
  cursor: string | null;
  created_by: string | null;
  tenant: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  error: string | null;
}

export function toJob(r: JobRow): Job {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    params: JSON.parse(r.params) as unknown,
    total: r.total,
    done: r.done,
    failed: r.failed,
    cursor: r.cursor,
    createdBy: r.created_by,
    tenant: r.tenant,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    error: r.error,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
  };
}

/** A job listing's WHERE: before a page's last id, of one tenant (either optional). */
export function jobListWhere(
  before: string | undefined,
  tenant: string | undefined,
  placeholder: (n: number) => string,
): { where: string; args: string[] } {
  const args: string[] = [];
  const where: string[] = [];
  if (before !== undefined) where.push(`id < ${placeholder(args.push(before))}`);
  if (tenant !== undefined) where.push(`tenant = ${placeholder(args.push(tenant))}`);
  return { where: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', args };
}
