import type { FilePayload } from '../../../protocol/contract.js';

/** Hidden files (.DS_Store, ._foo) and Windows thumbnails ride along with folders but are never images. */
function isHidden(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.startsWith('.') || base === 'Thumbs.db' || base === 'desktop.ini';
}

function byName(a: FilePayload, b: FilePayload): number {
  return a.name.localeCompare(b.name, undefined, { numeric: true });
}

/** Reads picked files (an <input type=file>, with or without webkitdirectory) into payloads. */
export async function readFileList(files: Iterable<File>): Promise<FilePayload[]> {
  const picked = [...files].map((file) => ({ file, name: file.webkitRelativePath || file.name }));
  const payloads = await Promise.all(
    picked.filter(({ name }) => !isHidden(name)).map(async ({ file, name }) => ({ name, data: await file.arrayBuffer() })),
  );
  return payloads.sort(byName);
}

/**
 * Reads what was dropped: files, and folders recursively, into one list of payloads named by
 * their path inside the dropped folder. Call it from the drop handler itself: the browser
 * empties the DataTransfer once the handler returns, so the entries are taken synchronously.
 */
export function readDroppedFiles(transfer: DataTransfer): Promise<FilePayload[]> {
  const entries: FileSystemEntry[] = [];
  for (const item of transfer.items ?? []) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) return readFileList(transfer.files);
  return readEntries(entries);
}

async function readEntries(entries: FileSystemEntry[]): Promise<FilePayload[]> {
  const files: { entry: FileSystemFileEntry; name: string }[] = [];
  async function walk(entry: FileSystemEntry): Promise<void> {
    const name = entry.fullPath.replace(/^\/+/, '') || entry.name;
    if (isHidden(name)) return;
    if (entry.isDirectory) {
      for (const child of await listDirectory(entry as FileSystemDirectoryEntry)) await walk(child);
    } else if (entry.isFile) {
      files.push({ entry: entry as FileSystemFileEntry, name });
    }
  }
  for (const entry of entries) await walk(entry);
  const payloads = await Promise.all(
    files.map(async ({ entry, name }) => ({ name, data: await (await entryFile(entry)).arrayBuffer() })),
  );
  return payloads.sort(byName);
}

/** All children of a folder: readEntries returns them in batches (100 in Chromium) until empty. */
async function listDirectory(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return children;
    children.push(...batch);
  }
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** A short name for what is being opened: the file, the dropped folder, or "12 files". */
export function describePayloads(files: readonly Pick<FilePayload, 'name'>[]): string {
  if (files.length === 0) return 'nothing';
  if (files.length === 1) return files[0]!.name;
  const tops = new Set(files.map((f) => (f.name.includes('/') ? f.name.slice(0, f.name.indexOf('/')) : '')));
  const [top] = tops;
  if (tops.size === 1 && top) return `${top} (${files.length} files)`;
  return `${files.length} files`;
}
