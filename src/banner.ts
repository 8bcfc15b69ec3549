import type { LoadedConfig } from './config/load.ts';
import type { SourceConfig } from './config/schema.ts';
import { displayStoreUrl } from './store/open.ts';

function localUrl(host: string, port: number): string {
  const shown =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** A shell snippet that signs a sample body the way this source expects, when we know how. */
function curlExample(
  url: string,
  source: SourceConfig,
  secretsFile: string,
  secretName: string | undefined,
): string[] {
  if (source.provider !== 'generic-hmac' && source.provider !== 'github') return [];
  const opts = source.options as {
    header?: string;
    algorithm?: string;
    prefix?: string;
    template?: string;
  };
  if (source.provider === 'generic-hmac' && (opts.template ?? '{body}') !== '{body}') return [];
  const header =
    source.provider === 'github' ? 'x-hub-signature-256' : (opts.header ?? 'x-signature');
  const prefix = source.provider === 'github' ? 'sha256=' : (opts.prefix ?? '');
  const algorithm = source.provider === 'github' ? 'sha256' : (opts.algorithm ?? 'sha256');
  const secret = secretName
    ? `SECRET="\${${secretName}:-$(node -p "require('${secretsFile}').${secretName}")}"`
    : 'SECRET="<the secret of this source>"';
  const extra =
    source.provider === 'github'
      ? ` -H 'x-github-event: ping' -H "x-github-delivery: $(date +%s%N)"`
      : '';
  return [
    `  # ${source.name}: a signed test event`,
    `  ${secret}`,
    `  BODY='{"id":"test-'$(date +%s%N)'","type":"test.created"}'`,
    `  SIG=$(printf '%s' "$BODY" | openssl dgst -${algorithm} -hmac "$SECRET" | sed 's/^.* //')`,
    `  curl -sS ${url}/webhooks/${source.name} -H 'content-type: application/json' -H "${header}: ${prefix}$SIG"${extra} --data "$BODY"`,
  ];
}

/** What a person starting the gateway wants to see: where it listens and how to send to it. */
export function startBanner(loaded: LoadedConfig, host: string, port: number): string {
  const url = localUrl(host, port);
  const { config } = loaded;
  const lines = [
    `Hookgate listening on ${url} (config: ${loaded.file}, storage: ${displayStoreUrl(config.storage.url)})`,
    `Sources (${config.sources.length}):`,
    ...config.sources.map(
      (s) => `  ${s.name.padEnd(20)} ${s.provider.padEnd(18)} POST ${url}/webhooks/${s.name}`,
    ),
  ];
  if (config.admin.token !== undefined && config.admin.enabled !== false) {
    lines.push(`Admin API: ${url}/admin (Authorization: Bearer <ADMIN_TOKEN>; docs/operations.md)`);
    if (config.admin.dashboard)
      lines.push(`Dashboard: ${url}/dashboard (sign in with the admin token; docs/dashboard.md)`);
  }
  if (config.tenants.length > 0) {
    const tenants = config.tenants.map((t) => t.name).join(', ');
    lines.push(`Tenants (${config.tenants.length}): ${tenants} (docs/tenancy.md)`);
  }
  lines.push(
    `Destinations (${config.destinations.length}): ${config.destinations.map((d) => d.name).join(', ') || 'none'}; routes: ${config.routes.length}`,
  );
  if (loaded.generatedSecrets.length > 0) {
    lines.push(
      `Generated secrets (kept in ${loaded.dataDir}/secrets.json): ${loaded.generatedSecrets.join(', ')}`,
    );
  }
  const first = config.sources[0];
  if (first) {
    lines.push(
      `Simulate a webhook: npx hookgate send ${first.provider} --source ${first.name} --url ${url}`,
    );
  }
  const sample = config.sources.find((s) => curlExample(url, s, '', undefined).length > 0);
  if (sample) {
    const file = `${loaded.dataDir.startsWith('/') ? '' : './'}${loaded.dataDir.replace(/^\.\//, '')}/secrets.json`;
    lines.push(
      'Try it:',
      ...curlExample(url, sample, file, loaded.secretVariables.get(sample.name)),
    );
  }
  return lines.join('\n');
}
