/**
 * Reading a directory file. Errors name the file and the JSON path of every bad value, e.g.
 * `directory/sample-ane.json: people[3].manager: unknown person "tm-gateshed"`.
 *
 * Roles are checked against the procedures' vocabulary (`./roles.ts`): by default the bundled
 * procedures; pass `procedures` to check against others (a new procedure, a test fixture).
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { loadProcedures } from '../procedures/index.ts';
import { checkRoles, type RoleSource } from './roles.ts';
import { type Directory, directorySchema } from './schema.ts';

export interface DirectoryCheckOptions {
  /** The procedures whose roles a directory may use; defaults to the bundled ones. */
  readonly procedures?: readonly RoleSource[];
}

export interface DirectoryIssue {
  /** JSON path such as `people[3].manager`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export type ParseDirectoryResult =
  | { readonly ok: true; readonly directory: Directory }
  | { readonly ok: false; readonly issues: readonly DirectoryIssue[] };

/** A directory file that cannot be read or is invalid. Not retryable: fix the file. */
export class DirectoryFileError extends Error {
  override readonly name = 'DirectoryFileError';
  constructor(
    readonly file: string,
    readonly issues: readonly DirectoryIssue[],
  ) {
    super(
      `invalid directory file ${file}:\n${issues.map((i) => `  ${file}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`,
    );
  }
}

/**
 * Validates already-parsed JSON.
 * @example
 * const result = parseDirectory(JSON.parse(text));
 * if (!result.ok) console.error(result.issues);
 */
export function parseDirectory(data: unknown, options: DirectoryCheckOptions = {}): ParseDirectoryResult {
  const parsed = directorySchema.safeParse(data);
  const procedures = options.procedures ?? [...loadProcedures().values()];
  const issues = parsed.success ? [] : parsed.error.issues.map(toIssue);
  // The role check reads the raw JSON, so an unknown role is reported beside any shape problem.
  const reported = new Set(issues.map((issue) => issue.path));
  for (const issue of checkRoles(data, procedures)) {
    const path = formatPath(issue.path);
    if (!reported.has(path)) issues.push({ path, message: issue.message });
  }
  if (parsed.success && issues.length === 0) return { ok: true, directory: parsed.data };
  return { ok: false, issues };
}

/**
 * Reads a directory file and reports every problem without throwing: the file's issues, or the
 * directory when it is valid.
 * @example
 * const result = await checkDirectoryFile('directory/sample-dudley.json');
 * if (!result.ok) for (const issue of result.issues) console.error(`${issue.path}: ${issue.message}`);
 */
export async function checkDirectoryFile(
  file: string,
  options: DirectoryCheckOptions = {},
): Promise<ParseDirectoryResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `cannot read: ${(error as Error).message}` }] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return parseDirectory(data, options);
}

/**
 * Reads and validates a directory file.
 * @throws DirectoryFileError naming the file and each bad path.
 * @example const directory = await loadDirectory(process.env.DIRECTORY_FILE ?? 'directory/sample-ane.json');
 */
export async function loadDirectory(file: string, options: DirectoryCheckOptions = {}): Promise<Directory> {
  const result = await checkDirectoryFile(file, options);
  if (!result.ok) throw new DirectoryFileError(file, result.issues);
  return result.directory;
}

function toIssue(issue: z.core.$ZodIssue): DirectoryIssue {
  return { path: formatPath(issue.path), message: issue.message };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
