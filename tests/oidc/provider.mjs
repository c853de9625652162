// A real OpenID Provider for the tests, on 127.0.0.1: the `oidc-provider` package (pinned in
// package.json) with a plain sign-in page of its own. Nothing is mocked: discovery, the authorization
// code flow with PKCE required, signed ID tokens, the token and userinfo endpoints are the library's.
//
//   node tests/oidc/provider.mjs            (environment: OIDC_REDIRECT_URIS, comma-separated;
//                                            OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)
//
// It listens on a free port and prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}; the
// pytest fixture then polls the discovery document until it answers. The accounts below sign in with
// their password; their claims include a CPR number in the ways brokers send one (`cpr`,
// `dk:gov:cpr`, `national_id`) so the tests can prove Fælled never keeps it.
import http from "node:http";
import { URL, URLSearchParams } from "node:url";
import Provider from "oidc-provider";

const ACCOUNTS = {
  anna: {
    password: "anna-password",
    claims: {
      sub: "anna-subject-0001",
      email: "anna.provider@example.org",
      email_verified: true,
      name: "Anna Provider",
      cpr: "0102031234",
      "dk:gov:cpr": "010203-1234",
      national_id: "0102031234",
    },
  },
  mette: {
    password: "mette-password",
    claims: {
      sub: "mette-subject-0002",
      email: "kommune@example.org",
      email_verified: true,
      name: "Mette Sørensen",
      groups: ["faelled-staff"],
      cpr: "1112131234",
    },
  },
  ole: {
    password: "ole-password",
    claims: {
      sub: "ole-subject-0003",
      email: "ole.unverified@example.org",
      email_verified: false,
      name: "Ole Uverificeret",
    },
  },
  staff: {
    password: "staff-password",
    claims: {
      sub: "staff-subject-0004",
      email: "medarbejder@example.org",
      email_verified: true,
      name: "Karen Medarbejder",
      groups: ["faelled-staff"],
    },
  },
};
const bySubject = Object.fromEntries(Object.values(ACCOUNTS).map((a) => [a.claims.sub, a]));

const redirectUris = (process.env.OIDC_REDIRECT_URIS || "").split(",").filter(Boolean);
const clientId = process.env.OIDC_CLIENT_ID || "faelled";
const clientSecret = process.env.OIDC_CLIENT_SECRET || "faelled-test-secret";

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
      cpr: ["cpr", "dk:gov:cpr", "national_id"],
    },
    scopes: ["openid", "email", "profile", "groups", "cpr"],
    // The ID token carries the claims (as brokers' often do), so the relying party sees them there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ["faelled-tests-cookie-key"] },
    findAccount: async (_ctx, sub) => {
      const account = bySubject[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims }) };
    },
  });
  const callback = provider.callback();

  const page = (res, uid, message) => {
    res.writeHead(message ? 400 : 200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in at the test provider</title></head>
<body><main><h1>Sign in at the test provider</h1>${message ? `<p role="alert">${message}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit">Sign in</button></p></form></main></body></html>`);
  };

  const body = (req) =>
    new Promise((resolve) => {
      let data = "";
      req.on("data", (chunk) => (data += chunk));
      req.on("end", () => resolve(new URLSearchParams(data)));
    });

  const interaction = async (req, res, uid, isLogin) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error("interaction mismatch");
    if (details.prompt.name === "login") {
      if (!isLogin || req.method !== "POST") return page(res, uid);
      const form = await body(req);
      const account = ACCOUNTS[form.get("username") || ""];
      if (!account || account.password !== form.get("password")) return page(res, uid, "Wrong username or password.");
      return provider.interactionFinished(req, res, { login: { accountId: account.claims.sub } }, { mergeWithLastSubmission: false });
    }
    // Consent: the test provider grants what the client asked for.
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };

  server.on("request", (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    const match = path.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!match) return callback(req, res);
    interaction(req, res, match[1], Boolean(match[2])).catch((error) => {
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end(`interaction failed: ${error.message}`);
    });
  });
  process.stdout.write(JSON.stringify({ issuer }) + "\n");
});

for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
