/**
 * Byte budget for files that learner code writes in the in-memory file system.
 *
 * MEMFS keeps file contents in JavaScript typed arrays, outside both the wasm
 * memory cap and V8's old-space cap, so without this budget one Python write
 * loop could grow the child until the host runs out of memory.
 */

/**
 * Wraps the MEMFS and PIPEFS operations that store bytes, so the run's stored
 * bytes never pass `quota.maxBytes`. A write past the budget fails with EFBIG,
 * which Python raises as OSError, as a write past RLIMIT_FSIZE does.
 * Returns the quota, inactive until `quota.activate(maxBytes)`.
 */
export function installFileQuota(module) {
  const quota = new FileQuota(module.FS, module.ERRNO_CODES.EFBIG);
  const memfs = module.FS.filesystems.MEMFS;
  wrapFileOperations(memfs.ops_table.file, quota);
  wrapFolderOperations(memfs.ops_table.dir, quota, module.FS);
  wrapPipeOperations(module.PIPEFS.stream_ops, quota);
  return quota;
}

class FileQuota {
  #fs;
  #tooLargeErrno;
  #maxBytes = Infinity;
  #storedBytes = 0;
  /** Bytes charged per file node, so deleting a file returns only what this run added. */
  #chargedBytes = new WeakMap();

  constructor(fs, tooLargeErrno) {
    this.#fs = fs;
    this.#tooLargeErrno = tooLargeErrno;
  }

  /** Starts counting; files that existed before (the standard library, main.py) are free. */
  activate(maxBytes) {
    this.#maxBytes = maxBytes;
    this.#storedBytes = 0;
  }

  /** Charges the growth of `node` to `newSize` bytes, or throws EFBIG past the budget. */
  chargeGrowth(node, newSize) {
    const growth = newSize - (node.usedBytes ?? 0);
    if (growth <= 0) return;
    this.chargeBytes(node, growth);
  }

  chargeBytes(node, bytes) {
    if (this.#storedBytes + bytes > this.#maxBytes) throw new this.#fs.ErrnoError(this.#tooLargeErrno);
    this.#storedBytes += bytes;
    this.#chargedBytes.set(node, (this.#chargedBytes.get(node) ?? 0) + bytes);
  }

  /** Returns the bytes a file lost by shrinking to `newSize`, up to what this run charged for it. */
  creditShrink(node, newSize) {
    const lost = (node.usedBytes ?? 0) - newSize;
    if (lost > 0) this.#credit(node, lost);
  }

  creditRemoval(node) {
    this.#credit(node, Infinity);
  }

  #credit(node, bytes) {
    const charged = this.#chargedBytes.get(node) ?? 0;
    const credit = Math.min(charged, bytes);
    this.#chargedBytes.set(node, charged - credit);
    this.#storedBytes -= credit;
  }
}

function wrapFileOperations(fileOps, quota) {
  const { write, allocate } = fileOps.stream;
  const { setattr } = fileOps.node;

  fileOps.stream.write = function writeWithinQuota(stream, buffer, offset, length, position, canOwn) {
    quota.chargeGrowth(stream.node, position + length);
    return write.call(this, stream, buffer, offset, length, position, canOwn);
  };

  fileOps.stream.allocate = function allocateWithinQuota(stream, offset, length) {
    quota.chargeGrowth(stream.node, offset + length);
    return allocate.call(this, stream, offset, length);
  };

  fileOps.node.setattr = function setattrWithinQuota(node, attr) {
    if (attr.size !== undefined) {
      quota.chargeGrowth(node, attr.size);
      quota.creditShrink(node, attr.size);
    }
    return setattr.call(this, node, attr);
  };
}

function wrapFolderOperations(folderOps, quota, fs) {
  const { unlink, rename } = folderOps.node;

  folderOps.node.unlink = function unlinkWithCredit(parent, name) {
    const node = lookupChild(fs, parent, name);
    const result = unlink.call(this, parent, name);
    if (node) quota.creditRemoval(node);
    return result;
  };

  folderOps.node.rename = function renameWithCredit(oldNode, newFolder, newName) {
    // rename() replaces an existing file of the new name, which frees its bytes.
    const replaced = lookupChild(fs, newFolder, newName);
    const result = rename.call(this, oldNode, newFolder, newName);
    if (replaced && replaced !== oldNode) quota.creditRemoval(replaced);
    return result;
  };
}

function wrapPipeOperations(pipeOps, quota) {
  const { write } = pipeOps;

  // NOTE: pipe bytes are charged when written and never credited when read,
  // which is stricter than a file system and simpler than tracking buckets.
  pipeOps.write = function pipeWriteWithinQuota(stream, buffer, offset, length, position, canOwn) {
    quota.chargeBytes(stream.node, length);
    return write.call(this, stream, buffer, offset, length, position, canOwn);
  };
}

function lookupChild(fs, parent, name) {
  try {
    return fs.lookupNode(parent, name);
  } catch {
    return null;
  }
}
