import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// A local stand-in for the Hugging Face hub on 127.0.0.1, serving model folders in the hub's
// layout: GET /<owner>/<name>/resolve/main/<file>. As on the hub, an ONNX graph (an LFS file)
// answers with a redirect to a "CDN" URL, and the redirect's headers carry X-Linked-Etag (the
// file's SHA-256) and X-Linked-Size. `behaviour` breaks the CDN on purpose: the graph cut off
// half way, a wrong SHA-256, a download that stalls until the client gives up, or JSON files
// sent gzip-encoded.

interface Repo {
  /** File (forward slashes) → bytes. */
  readonly files: Map<string, Buffer>;
}

export type Behaviour = 'normal' | 'cut' | 'bad-sha' | 'stall' | 'gzip';

export class FakeHub {
  readonly repos = new Map<string, Repo>();
  readonly requests: string[] = [];
  behaviour: Behaviour = 'normal';
  private server: Server | undefined;
  private readonly stalled: ServerResponse[] = [];

  addRepo(id: string, folder: string, files: readonly string[]): void {
    this.repos.set(id, { files: new Map(files.map((f) => [f, readFileSync(join(folder, ...f.split('/')))])) });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((res) => this.server?.listen(0, '127.0.0.1', res));
  }

  async stop(): Promise<void> {
    for (const r of this.stalled) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((res) => this.server?.close(() => res()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    this.requests.push(url);
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(url);
    if (cdn) {
      const body = this.repos.get(cdn[1])?.files.get(cdn[2]);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
      if (this.behaviour === 'cut') {
        // Half the file, then the connection drops.
        res.write(body.subarray(0, body.length >> 1), () => res.destroy());
        return;
      }
      if (this.behaviour === 'stall') {
        res.write(body.subarray(0, 1000));
        this.stalled.push(res);
        return;
      }
      res.end(body);
      return;
    }
    const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    // As the hub does for a private, gated or missing repository when no token is sent.
    if (m?.[1].startsWith('private-org/')) return void res.writeHead(401, { 'x-error-code': 'RepoNotFound' }).end('Invalid username or password.');
    const repo = m ? this.repos.get(m[1]) : undefined;
    if (!m || !repo) return void res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
    const body = repo.files.get(m[2]);
    if (!body) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    if (m[2].endsWith('.onnx')) {
      const sha = this.behaviour === 'bad-sha' ? '0'.repeat(64) : createHash('sha256').update(body).digest('hex');
      res.writeHead(302, { location: `/cdn/${m[1]}/${m[2]}`, 'x-linked-etag': `"${sha}"`, 'x-linked-size': String(body.length), 'x-repo-commit': 'abc123' });
      res.end();
      return;
    }
    if (this.behaviour === 'gzip') {
      // Compressed whatever the client asked, Content-Length the compressed size.
      const z = gzipSync(body);
      res.writeHead(200, { 'content-length': String(z.length), 'content-encoding': 'gzip', 'content-type': 'application/json', 'x-repo-commit': 'abc123' });
      res.end(z);
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/json', 'x-repo-commit': 'abc123' });
    res.end(body);
  }
}

