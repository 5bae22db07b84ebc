/**
 * A local JWKS host for the OAuth federation tests (issue 11): a real HTTP server on loopback, so
 * the Worker fetches key sets over the network as it would Entra's, with no internet. Tests
 * publish a set with `PUT /jwks/<name>` and read how often the Worker fetched it at `GET /hits/<name>`.
 * Used directly by the black-box suite and as the workers project's globalSetup (port via inject).
 */
import { createServer, type Server } from "node:http";
import type { TestProject } from "vitest/node";

const MAX_BODY = 256 * 1024;

export interface JwksServer {
  url: string;
  close(): Promise<void>;
}

export function startJwksServer(): Promise<JwksServer> {
  const sets = new Map<string, string>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const [, kind, name] = (req.url ?? "").split("/");
    if (req.method === "PUT" && kind === "jwks" && name) {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
        if (body.length > MAX_BODY) req.destroy();
      });
      req.on("end", () => {
        sets.set(name, body);
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method === "GET" && kind === "jwks" && name) {
      hits.set(name, (hits.get(name) ?? 0) + 1);
      const set = sets.get(name);
      if (set === undefined) return void res.writeHead(404).end();
      return void res.writeHead(200, { "Content-Type": "application/json" }).end(set);
    }
    if (req.method === "GET" && kind === "hits" && name) {
      return void res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ hits: hits.get(name) ?? 0 }));
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address === "string") return reject(new Error("no port"));
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

declare module "vitest" {
  export interface ProvidedContext {
    jwksServerUrl: string;
  }
}

/** vitest globalSetup of the workers project. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startJwksServer();
  project.provide("jwksServerUrl", server.url);
  return () => server.close();
}
