import { type LedgerColumn, ledgerColumnLabel } from '@linli/shared';
import { currentLocale } from '../i18n/i18n';

/** Column headers come from the shared list, so the screen, the file and the shared page agree. */
export const columnLabel = (column: LedgerColumn): string => ledgerColumnLabel(column, currentLocale());
