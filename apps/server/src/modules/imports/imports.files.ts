import { type ImportReportRow, importProblemMessage, type Locale } from '@linli/shared';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError } from '../../platform/errors';
import type { RawCell, RawRow } from './imports.rules';

/** Reading the uploaded file (xlsx or csv in UTF-8 or GB18030) into rows of cells, and writing the report. */

export const MAX_ROWS = 100_000;
const MAX_COLUMNS = 200;

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
/** The old binary .xls (OLE2): people must save it as xlsx first. */
const isOle = (b: Buffer) => b.length > 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

export async function readSpreadsheet(file: Buffer): Promise<RawRow[]> {
  if (file.length === 0) throw new AppError('import.empty_file');
  if (isOle(file)) throw new AppError('import.unreadable_file');
  const rows = isZip(file) ? await readXlsx(file) : readCsv(file);
  const filled = rows.filter((r) => r.cells.some((c) => c !== null && c !== ''));
  if (filled.length === 0) throw new AppError('import.empty_file');
  if (filled.length > MAX_ROWS + 30) throw new AppError('import.too_many_rows', { max: MAX_ROWS });
  return filled;
}

function cellValue(value: ExcelJS.CellValue): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : { date: value.toISOString().slice(0, 10) };
  }
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    return cellValue((value as { result?: ExcelJS.CellValue }).result ?? null);
  }
  if ('text' in value && typeof value.text === 'string') return value.text;
  return null;
}

async function readXlsx(file: Buffer): Promise<RawRow[]> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new AppError('import.unreadable_file');
  }
  const sheet = book.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw new AppError('import.empty_file');
  if (sheet.actualRowCount > MAX_ROWS + 30) throw new AppError('import.too_many_rows', { max: MAX_ROWS });
  const columns = Math.min(sheet.columnCount, MAX_COLUMNS);
  const rows: RawRow[] = [];
  // A merged cell (楼号 spanning four rows) answers its value on every cell it covers.
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: RawCell[] = [];
    for (let c = 1; c <= columns; c++) cells.push(cellValue(row.getCell(c).value));
    rows.push({ row: n, cells });
  });
  return rows;
}

/** Excel on Chinese Windows saves CSV in GBK (a subset of GB18030); anything that is not valid UTF-8 is read so. */
export function decodeText(file: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    text = new TextDecoder('gb18030').decode(file);
  }
  return text.replace(/^\uFEFF/, '');
}

function readCsv(file: Buffer): RawRow[] {
  const text = decodeText(file);
  // A binary file that is neither xlsx nor text.
  if (text.includes('\u0000')) throw new AppError('import.unreadable_file');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  if (parsed.data.length > MAX_ROWS + 30) throw new AppError('import.too_many_rows', { max: MAX_ROWS });
  const widest = Math.max(0, ...parsed.data.map((r) => r.length));
  if (widest < 2) throw new AppError('import.unreadable_file');
  return parsed.data.map((cells, i) => ({
    row: i + 1,
    cells: cells.slice(0, MAX_COLUMNS).map((c) => (c === '' ? null : c)),
  }));
}

const OUTCOME_LABEL = {
  created: { zh: '新增', en: 'Created' },
  updated: { zh: '更新', en: 'Updated' },
  skipped: { zh: '跳过', en: 'Skipped' },
} as const;

/** The downloadable report: masked ID numbers only, one line per row of the file. */
export async function writeReport(
  fileName: string,
  rows: ImportReportRow[],
  locale: Locale,
): Promise<Buffer> {
  const zh = locale !== 'en-US';
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(zh ? '导入报告' : 'Import report');
  sheet.addRow([zh ? `导入报告：${fileName}` : `Import report: ${fileName}`]);
  sheet.addRow(
    zh
      ? ['行号', '结果', '姓名', '身份证号', '地址', '原因']
      : ['Row', 'Outcome', 'Name', 'ID number', 'Address', 'Reasons'],
  );
  for (const r of rows) {
    sheet.addRow([
      r.row,
      OUTCOME_LABEL[r.outcome][zh ? 'zh' : 'en'],
      r.name ?? '',
      r.idNumberMasked ?? '',
      r.address ?? '',
      r.reasons
        .map((p) => `${p.column ? `${p.column}: ` : ''}${importProblemMessage(p.code, locale, p.params)}`)
        .join('; '),
    ]);
  }
  sheet.getRow(2).font = { bold: true };
  sheet.columns.forEach((c, i) => {
    c.width = [8, 10, 14, 22, 30, 60][i] ?? 12;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
