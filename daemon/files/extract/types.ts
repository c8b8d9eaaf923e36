// The shape of extracted text: what every format module returns and what the chunker reads.
export type ExtractKind = 'pdf' | 'docx' | 'text' | 'html' | 'csv' | 'json' | 'markdown' | 'unsupported';

export interface ExtractedPage {
  /** 1-based page number for paged formats (PDF); null where pages do not exist (DOCX, text). */
  page: number | null;
  text: string;
}

export interface Extracted {
  kind: ExtractKind;
  pages: ExtractedPage[];
  /** The character encoding a text file was decoded from (`utf-8`, `utf-16le`, `windows-1251`, `koi8-r`, …). */
  encoding?: string;
  /** A PDF whose pages carry no text at all (a scan): not an error, there is simply nothing to read. */
  noTextLayer?: boolean;
  /** Things a reader should know but that did not stop extraction (a guessed encoding, pages without text). */
  warnings: string[];
}

export interface ExtractOptions {
  /** Files over this many bytes are refused with `too_large`. Default 50 MiB. */
  maxBytes?: number;
  /** Aborts a long extraction (checked between PDF pages and between steps); rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
