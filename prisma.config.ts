import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The Prisma CLI downloads its native schema engine before `generate`, which these offline
// machines cannot do. `generate` never runs that engine, so pointing the CLI at a stub file lets it
// work offline; migrations go through the WASM engine in scripts/migrate.mjs instead.
const haveNativeEngine = (() => {
  try {
    return fs.readdirSync('node_modules/@prisma/engines').some((f) => f.startsWith('schema-engine-'));
  } catch {
    return false;
  }
})();
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && !haveNativeEngine) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.resolve('scripts/no-schema-engine.sh');
}
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
