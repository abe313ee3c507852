// A real OpenID Connect provider for the sign-in tests, on 127.0.0.1 only.
// node-oidc-provider with its development login form: any user name signs in; a name with an @ is
// that person's e-mail address. Settings come from the environment so each test can start its own.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const groups = (process.env.OIDC_GROUPS || '').split(',').filter(Boolean);

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: (process.env.OIDC_REDIRECT_URIS || '').split(','),
    post_logout_redirect_uris: (process.env.OIDC_LOGOUT_URIS || '').split(',').filter(Boolean),
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id.includes('@') ? id : `${id}@example.se`, email_verified: true, name: id, groups };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [process.env.OIDC_COOKIE_KEY || 'test-cookie-key-not-secret'] },
  ttl: { IdToken: Number(process.env.OIDC_ID_TOKEN_TTL || 3600) },
  // Give the client what it asked for without a consent screen of its own.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready on ${issuer}`);
});
