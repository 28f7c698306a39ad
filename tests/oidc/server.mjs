// Test-only OpenID Provider: npm oidc-provider (OpenID Certified) on loopback, configured like the
// regional login service is for a native app (RFC 8252): public client, authorization code + PKCE
// S256, loopback redirect on any port, refresh tokens with offline_access. Interactions are the
// library's own login and consent forms (any login, any password): the tests act as the browser
// and submit them. The signing key is generated at start (RS256), so every run has its own JWKS.
//
// Usage: node server.mjs [--host 127.0.0.1] [--port 0] [--access-ttl S] [--id-ttl S]
//                        [--refresh-ttl S]
// Prints one line: "oidc-provider listening on http://HOST:PORT" (that URL is the issuer).
// Stops on SIGTERM/SIGINT or when stdin closes (so a dying test never leaves it behind).

import process from 'node:process';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

function parseArgs(argv) {
  const args = { host: '127.0.0.1', port: 0, accessTtl: 600, idTtl: 600, refreshTtl: 86400 };
  const names = {
    '--host': 'host', '--port': 'port', '--access-ttl': 'accessTtl', '--id-ttl': 'idTtl',
    '--refresh-ttl': 'refreshTtl',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key) throw new Error(`unknown argument ${argv[i]}`);
    args[key] = key === 'host' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return args;
}

// Native public clients. "telemed-workstation" is the app; "other-app" exists so a test can obtain
// a genuine token issued for another audience.
function nativeClient(clientId) {
  return {
    client_id: clientId,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `k-${Date.now()}`, alg: 'RS256', use: 'sig' };
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise((resolve) => server.listen(args.port, args.host, resolve));
  const issuer = `http://${args.host}:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: [nativeClient('telemed-workstation'), nativeClient('other-app')],
    jwks: { keys: [jwk] },
    cookies: { keys: [`cookie-${Date.now()}-${Math.random()}`] },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'profile'],
    // The ID token carries the display name too (the app shows who is logged in without userinfo).
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], profile: ['name', 'family_name', 'given_name'] },
    ttl: {
      AccessToken: args.accessTtl,
      AuthorizationCode: 60,
      IdToken: args.idTtl,
      RefreshToken: args.refreshTtl,
      Interaction: 600,
      Session: 3600,
      Grant: 86400,
    },
    // Expiry is exact (the default tolerates 15 s), so the expired-token test need not wait.
    clockTolerance: 0,
    // Every refresh hands out a new refresh token and invalidates the old one.
    rotateRefreshToken: () => true,
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, name: `Test ${sub}`, family_name: sub, given_name: 'Test' };
        },
      };
    },
  });
  provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error ${err}\n`));
  server.on('request', provider.callback());

  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
