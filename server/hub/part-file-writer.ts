/**
 * The write end of a download: the part file and its SHA-256 as one stream stage. Chunks are hashed as they
 * are written, and everything that queued while the previous write ran goes to the disk in one `writev`
 * (libuv writes the whole batch, short writes included). This replaced a hashing Transform in front of a
 * WriteStream: one stage less per 64 KiB chunk of a multi-GB download.
 *
 * Lifecycle: the file is opened before the first write and closed when the stream finishes or is destroyed.
 */
import type { Hash } from 'node:crypto';
import { close, open, writev } from 'node:fs';
import { Writable } from 'node:stream';

/** What may queue in memory before the download waits for the disk. */
const HIGH_WATER_BYTES = 1 << 20;

export class PartFileWriter extends Writable {
  private fd: number | undefined;
  private written = 0;
  /** The write in flight: the file is closed only after it (closing under it could hand its fd to another file). */
  private writing: Promise<void> = Promise.resolve();

  /**
   * `append`: the part file's bytes are kept (a resumed download) rather than truncated.
   * `onWritten`: called with the bytes written by this writer so far, after each write.
   */
  constructor(
    private readonly path: string,
    private readonly append: boolean,
    private readonly hash: Hash,
    private readonly onWritten: (bytes: number) => void,
  ) {
    super({ highWaterMark: HIGH_WATER_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, this.append ? 'a' : 'w', (error, fd) => {
      this.fd = fd;
      callback(error);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll([chunk], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeFile((closeError) => callback(error ?? closeError));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closeFile(callback);
  }

  private closeFile(callback: (error?: Error | null) => void): void {
    void this.writing.then(() => {
      const fd = this.fd;
      this.fd = undefined;
      if (fd === undefined) return callback();
      close(fd, (error) => callback(error));
    });
  }

  private writeAll(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    let bytes = 0;
    for (const buffer of buffers) {
      this.hash.update(buffer);
      bytes += buffer.length;
    }
    this.writing = new Promise((done) => {
      writev(this.fd!, buffers, (error) => {
        done();
        if (error) return callback(error);
        this.written += bytes;
        this.onWritten(this.written);
        callback();
      });
    });
  }
}
