/**
 * The printable A4 poster of a form, drawn in the browser: a canvas at print resolution, saved as PNG,
 * or as a PDF holding that PNG on one A4 page (so the PDF needs no embedded Chinese font). The QR and PDF
 * libraries are loaded on first use and stay out of the console's main chunk.
 */

/** A4 at 300 dpi: 210 × 297 mm. */
export const POSTER_WIDTH = 2480;
export const POSTER_HEIGHT = 3508;

export interface PosterContent {
  /** Community (or street) the form serves; with a building for a per-building poster. */
  areaName: string;
  buildingName?: string | null;
  title: string;
  /** Printed smaller under the Chinese title, for residents who read English. */
  titleEn?: string | null;
  /** What the QR code carries. */
  url: string;
  /** The address printed under the QR for typing by hand, when shorter than `url` (without the building). */
  printedUrl?: string | null;
  /** Already formatted, e.g. 2026-11-30 18:00. */
  closesAt?: string | null;
  purpose?: string | null;
}

const FONT =
  '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif';

/**
 * Breaks text into lines no wider than `maxWidth`: Chinese may break between any two characters,
 * Latin words stay whole (a word longer than a line is cut).
 */
export function wrapText(text: string, measure: (s: string) => number, maxWidth: number): string[] {
  const tokens =
    text.match(
      /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]+|\s+/g,
    ) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    const space = token.trim() === '';
    if (space && !line) continue;
    if (measure(line + token) <= maxWidth) {
      line += token;
      continue;
    }
    if (line.trim()) lines.push(line.trimEnd());
    line = '';
    if (space) continue;
    if (measure(token) <= maxWidth) {
      line = token;
      continue;
    }
    // One word wider than a line: cut it by characters.
    for (const ch of token) {
      if (line && measure(line + ch) > maxWidth) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/** At most `max` lines; the last one cut with an ellipsis when there is more. */
export function clampLines(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1]?.replace(/.$/u, '')}…`;
  return kept;
}

export function posterFileName(
  title: string,
  buildingName: string | null | undefined,
  ext: 'png' | 'pdf',
): string {
  const base = [title, buildingName]
    .filter(Boolean)
    .join('_')
    .replace(/[\\/:*?"<>|\s]+/g, '_');
  return `${base.slice(0, 80)}_poster.${ext}`;
}

export async function qrDataUrl(url: string, width: number): Promise<string> {
  const QRCode = await import('qrcode');
  // M: still reads with a little dirt or a fold on a printed sheet, and keeps the modules large.
  return QRCode.toDataURL(url, { width, margin: 1, errorCorrectionLevel: 'M' });
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('image'));
    image.src = src;
  });
}

export interface PosterLabels {
  scan: string;
  scanEn: string;
  closes: (at: string) => string;
  purpose: (purpose: string) => string;
  footer: string;
}

export async function drawPoster(content: PosterContent, labels: PosterLabels): Promise<HTMLCanvasElement> {
  const canvas = document.createElement('canvas');
  canvas.width = POSTER_WIDTH;
  canvas.height = POSTER_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas');
  const margin = 180;
  const inner = POSTER_WIDTH - margin * 2;
  const center = POSTER_WIDTH / 2;

  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  // A band at the top carries who is asking: residents trust their own committee's name.
  ctx.fillStyle = '#1677ff';
  ctx.fillRect(0, 0, POSTER_WIDTH, 420);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `bold 120px ${FONT}`;
  const areaLines = clampLines(
    wrapText(content.areaName, (s) => ctx.measureText(s).width, inner),
    1,
  );
  ctx.fillText(areaLines[0] ?? '', center, content.buildingName ? 160 : 210);
  if (content.buildingName) {
    ctx.font = `96px ${FONT}`;
    ctx.fillText(content.buildingName, center, 310);
  }

  let y = 600;
  ctx.fillStyle = '#141414';
  ctx.textBaseline = 'alphabetic';
  ctx.font = `bold 150px ${FONT}`;
  for (const line of clampLines(
    wrapText(content.title, (s) => ctx.measureText(s).width, inner),
    3,
  )) {
    ctx.fillText(line, center, y + 130);
    y += 190;
  }
  if (content.titleEn) {
    ctx.fillStyle = '#595959';
    ctx.font = `84px ${FONT}`;
    for (const line of clampLines(
      wrapText(content.titleEn, (s) => ctx.measureText(s).width, inner),
      2,
    )) {
      ctx.fillText(line, center, y + 80);
      y += 110;
    }
    y += 20;
  }

  y += 90;
  ctx.fillStyle = '#d4380d';
  ctx.font = `bold 120px ${FONT}`;
  for (const line of wrapText(labels.scan, (s) => ctx.measureText(s).width, inner)) {
    ctx.fillText(line, center, y + 100);
    y += 150;
  }
  ctx.fillStyle = '#595959';
  ctx.font = `76px ${FONT}`;
  ctx.fillText(labels.scanEn, center, y + 70);
  y += 150;

  // The lines under the QR are laid out from the foot of the page up; the QR takes the room left between.
  const measureWith = (font: string) => (text: string) => {
    ctx.font = font;
    return ctx.measureText(text).width;
  };
  const urlFont = `64px ${FONT}`;
  const closesFont = `bold 84px ${FONT}`;
  const purposeFont = `56px ${FONT}`;
  const urlLines = clampLines(wrapText(content.printedUrl ?? content.url, measureWith(urlFont), inner), 2);
  const purposeLines = content.purpose
    ? clampLines(wrapText(labels.purpose(content.purpose), measureWith(purposeFont), inner), 2)
    : [];
  let bottom = POSTER_HEIGHT - 240;
  const purposeTop = bottom - purposeLines.length * 76;
  const closesTop = content.closesAt ? purposeTop - 140 : purposeTop;
  const urlTop = closesTop - urlLines.length * 84 - 20;
  bottom = urlTop - 80;

  const qrSize = Math.max(800, Math.min(1500, bottom - y));
  const qr = await loadImage(await qrDataUrl(content.url, qrSize));
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(qr, center - qrSize / 2, y + Math.max(0, (bottom - y - qrSize) / 2), qrSize, qrSize);

  ctx.fillStyle = '#141414';
  ctx.font = urlFont;
  urlLines.forEach((line, i) => {
    ctx.fillText(line, center, urlTop + 64 + i * 84);
  });
  if (content.closesAt) {
    ctx.font = closesFont;
    ctx.fillText(labels.closes(content.closesAt), center, closesTop + 100);
  }
  ctx.fillStyle = '#595959';
  ctx.font = purposeFont;
  purposeLines.forEach((line, i) => {
    ctx.fillText(line, center, purposeTop + 56 + i * 76);
  });
  ctx.fillStyle = '#8c8c8c';
  ctx.font = `48px ${FONT}`;
  ctx.fillText(labels.footer, center, POSTER_HEIGHT - 120);
  return canvas;
}

export function posterPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('png'))), 'image/png'),
  );
}

export async function posterPdf(canvas: HTMLCanvasElement): Promise<Blob> {
  const { jsPDF } = await import('jspdf');
  const pdf = new jsPDF({ unit: 'mm', format: 'a4', orientation: 'portrait', compress: true });
  const png = new Uint8Array(await (await posterPng(canvas)).arrayBuffer());
  pdf.addImage(png, 'PNG', 0, 0, 210, 297, undefined, 'FAST');
  return pdf.output('blob');
}
