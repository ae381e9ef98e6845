// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { describePayloads, readDroppedFiles, readFileList } from './readDroppedFiles.js';

function file(name: string, bytes: number[], relativePath = ''): File {
  const f = new File([new Uint8Array(bytes)], name);
  if (relativePath) Object.defineProperty(f, 'webkitRelativePath', { value: relativePath });
  return f;
}

/** A fake FileSystemEntry tree, as webkitGetAsEntry gives for a dropped folder. */
function fileEntry(path: string, bytes: number[]): FileSystemFileEntry {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath: `/${path}`,
    file: (resolve: (f: File) => void) => resolve(file(name, bytes)),
  } as unknown as FileSystemFileEntry;
}

function folderEntry(path: string, children: FileSystemEntry[], batch = 2): FileSystemDirectoryEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: path.slice(path.lastIndexOf('/') + 1),
    fullPath: `/${path}`,
    createReader() {
      let at = 0;
      // Like Chromium, hand out the children in batches, then an empty batch.
      return {
        readEntries(resolve: (entries: FileSystemEntry[]) => void) {
          const out = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => resolve(out), 0);
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

function transfer(entries: FileSystemEntry[]): DataTransfer {
  return {
    items: entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry })),
    files: [],
  } as unknown as DataTransfer;
}

describe('readFileList', () => {
  it('names files by their path inside a picked folder and sorts them naturally', async () => {
    const payloads = await readFileList([
      file('s10.png', [3], 'stack/s10.png'),
      file('s2.png', [2], 'stack/s2.png'),
      file('.DS_Store', [0], 'stack/.DS_Store'),
    ]);
    expect(payloads.map((p) => p.name)).toEqual(['stack/s2.png', 'stack/s10.png']);
    expect(new Uint8Array(payloads[0]!.data)).toEqual(new Uint8Array([2]));
  });
});

describe('readDroppedFiles', () => {
  it('reads a dropped folder recursively, across readEntries batches', async () => {
    const tree = folderEntry('slices', [
      fileEntry('slices/z00.png', [0]),
      fileEntry('slices/z01.png', [1]),
      fileEntry('slices/z02.png', [2]),
      folderEntry('slices/more', [fileEntry('slices/more/z03.png', [3])]),
      fileEntry('slices/.hidden', [9]),
    ]);
    const payloads = await readDroppedFiles(transfer([tree]));
    expect(payloads.map((p) => p.name)).toEqual(['slices/more/z03.png', 'slices/z00.png', 'slices/z01.png', 'slices/z02.png']);
  });

  it('reads dropped files', async () => {
    const payloads = await readDroppedFiles(transfer([fileEntry('stack.tif', [1, 2, 3])]));
    expect(payloads).toHaveLength(1);
    expect(payloads[0]!.name).toBe('stack.tif');
    expect(payloads[0]!.data.byteLength).toBe(3);
  });
});

describe('describePayloads', () => {
  it('names a file, a folder or a count', () => {
    expect(describePayloads([{ name: 'a.tif' }])).toBe('a.tif');
    expect(describePayloads([{ name: 'f/a.png' }, { name: 'f/b.png' }])).toBe('f (2 files)');
    expect(describePayloads([{ name: 'a.png' }, { name: 'b.png' }])).toBe('2 files');
  });
});
