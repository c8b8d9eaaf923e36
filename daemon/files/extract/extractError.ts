// ExtractError: a file whose text cannot be read, with a stable code the indexer and the HTTP layer can act on.
export type ExtractErrorCode =
  /** A format Titan recognises but cannot read (a Word 97–2003 file saved with a .docx name). */
  | 'unsupported_type'
  /** The name promises a format the bytes are not (a web page saved as report.pdf). */
  | 'type_mismatch'
  /** The right format, but broken: truncated, damaged or missing its main part. */
  | 'corrupt_file'
  /** Password-protected: there is no text to read without the password. */
  | 'encrypted'
  /** Over the size limit, refused before reading. */
  | 'too_large';

export class ExtractError extends Error {
  readonly code: ExtractErrorCode;
  /** The file's name (or path) as the caller gave it. */
  readonly file: string;

  constructor(code: ExtractErrorCode, file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.name = 'ExtractError';
    this.code = code;
    this.file = file;
  }
}
