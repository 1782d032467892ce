import type { ImportJob, ImportTemplate } from '@linli/shared';
import type { ImportJobSummary } from './imports.repository';
import type { ImportTemplateRow } from './imports.table';

/** The job without its rows: only whether they are still kept. */
export function presentJob(row: ImportJobSummary, liveProgress?: number): ImportJob {
  return {
    id: row.id,
    communityId: row.communityId,
    fileName: row.fileName,
    status: row.status,
    headers: row.headers,
    headerRow: row.headerRow,
    mapping: row.mapping,
    onDuplicate: row.onDuplicate,
    totalRows: row.totalRows,
    processedRows: Math.max(row.processedRows, liveProgress ?? 0),
    created: row.createdCount,
    updated: row.updatedCount,
    skipped: row.skippedCount,
    errorCode: row.errorCode,
    errorMessage: row.errorDetail,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    hasRows: row.hasRows,
    createPlaces: row.createPlaces,
    buildingsCreated: row.buildingsCreated,
    dwellingsCreated: row.dwellingsCreated,
    version: row.version,
  };
}

export function presentTemplate(row: ImportTemplateRow): ImportTemplate {
  return {
    id: row.id,
    communityId: row.communityId,
    name: row.name,
    columns: row.columns,
    createdAt: row.createdAt.toISOString(),
  };
}
