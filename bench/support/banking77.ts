/**
 * The Banking77 data set (PolyAI; CC BY 4.0; Casanueva et al., 2020, arXiv:2003.04807), read at run time
 * from `../shared/datasets/banking77/` beside the repository — never copied into it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { seededRandom } from "../../packages/core/test/support/seeded-random.ts";

/** One customer query with its intent. */
export interface LabelledQuery {
  text: string;
  category: string;
}

/** Where the data set lives relative to the repository root (`/work/main` → `/work/shared/...`). */
export const BANKING77_DIR = resolve(import.meta.dirname, "../../../shared/datasets/banking77");

/** Reads `train.csv` (columns `text,category`; quoted fields may hold commas, quotes and newlines). */
export function loadBanking77(dir = BANKING77_DIR): LabelledQuery[] {
  const file = join(dir, "train.csv");
  if (!existsSync(file)) {
    throw new Error(`Banking77 not found at ${file}: place the data set in ../shared/datasets/banking77`);
  }
  const [header, ...rows] = parseCsv(readFileSync(file, "utf8"));
  const textColumn = header?.indexOf("text") ?? -1;
  const categoryColumn = header?.indexOf("category") ?? -1;
  if (textColumn < 0 || categoryColumn < 0) throw new Error(`${file}: expected columns text,category`);
  return rows
    .filter((row) => row.length > Math.max(textColumn, categoryColumn))
    .map((row) => ({ text: row[textColumn]!, category: row[categoryColumn]! }));
}

/** RFC 4180 CSV: fields separated by commas, optionally quoted, `""` an escaped quote. */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Shuffles with a seed (Fisher–Yates) and cuts into parts of the given shares. */
export function seededSplit<T>(items: readonly T[], seed: number, shares: readonly number[]): T[][] {
  const random = seededRandom(seed);
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const parts: T[][] = [];
  let start = 0;
  shares.forEach((share, k) => {
    const end = k === shares.length - 1 ? shuffled.length : start + Math.round(share * shuffled.length);
    parts.push(shuffled.slice(start, end));
    start = end;
  });
  return parts;
}
