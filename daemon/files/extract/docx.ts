// DOCX through mammoth: converted to HTML first so Word headings survive as `#` lines and tables as `a | b` rows,
// then to text. DOCX has no fixed pages, so the text is one page with number null.
import mammoth from 'mammoth';
import { ExtractError } from './extractError.ts';
import { htmlToText } from './htmlText.ts';
import type { Extracted } from './types.ts';

/** Word's Title and Subtitle styles are headings too (mammoth's default map leaves them as unknown styles). */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];

export async function extractDocx(bytes: Uint8Array, file: string): Promise<Extracted> {
  let result: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Images are dropped: only their alt text could matter, and inlining them as data URIs costs memory.
    result = await mammoth.convertToHtml(
      { buffer },
      { styleMap: STYLE_MAP, convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
    );
  } catch (err) {
    const detail = (err as Error)?.message ?? String(err);
    throw new ExtractError('corrupt_file', file, `the DOCX is damaged or not a Word document (${detail})`, {
      cause: err,
    });
  }
  const warnings = [...new Set(result.messages.map((m) => m.message))].slice(0, 10);
  return { kind: 'docx', pages: [{ page: null, text: htmlToText(result.value) }], warnings };
}
