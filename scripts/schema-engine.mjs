// Prisma's schema engine (the part behind `prisma migrate`) as WebAssembly, driven through the
// same driver adapters the app uses. Needed because the Prisma 7 CLI insists on downloading a
// native engine from binaries.prisma.sh, which these offline machines cannot reach.
// The wasm package is internal to Prisma; it and the adapters need the workarounds numbered below
// (number 4 lives in migrate.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** @typedef {import('@prisma/schema-engine-wasm').SchemaEngine} SchemaEngine */
/** @typedef {{ kind: 'postgres', url: string } | { kind: 'pglite', dir: string }} Target */

/**
 * Opens the engine on a database. The engine keeps handles open even after close(), so a CLI
 * should end with process.exit().
 * @param {Target} target
 * @param {{ schemaPath: string, schema: string }} datamodel
 * @returns {Promise<{ engine: SchemaEngine, close(): Promise<void> }>}
 */
export async function openSchemaEngine(target, { schemaPath, schema }) {
  const SchemaEngine = await loadWasmEngine();
  const { factory, close } = target.kind === 'postgres' ? pgFactory(target.url) : await pgliteFactory(target.dir);
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (/** @type {string} */ log) => {
      if (process.env.DEBUG_SCHEMA_ENGINE) console.error(log);
    },
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async close() {
      engine.free();
      await close();
    },
  };
}

/**
 * Workaround 1: the package's schema_engine.js does `import * as wasm from "./schema_engine_bg.wasm"`,
 * which Node cannot import. Instantiate the module by hand against its JS glue instead.
 */
async function loadWasmEngine() {
  // The glue reports Rust panics through this global; without it a panic is an opaque TypeError.
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(/** @type {string} */ message) {
      console.error(`Schema engine panicked: ${message}`);
    },
  };
  const packageDir = path.dirname(fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm')));
  const module = await WebAssembly.compile(fs.readFileSync(path.join(packageDir, 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': engineBindings });
  engineBindings.__wbg_set_wasm(instance.exports);
  /** @type {any} */ (instance.exports).__wbindgen_start();
  return engineBindings.SchemaEngine;
}

/** @param {string} url */
function pgFactory(url) {
  const factory = new PrismaPg({ connectionString: url });
  const connect = factory.connect.bind(factory);
  const opened = [];
  factory.connect = async () => {
    const adapter = fixPgAdapter(await connect());
    opened.push(adapter);
    return adapter;
  };

  // Workaround 3: adapter-pg's own connectToShadowDb drops the shadow database while its pool is
  // still connected ("is being accessed by other users"), so shadow databases pile up. Ours ends
  // the pool first, then drops WITH (FORCE). The shadow pool gets its connection settings as
  // separate fields because pg ignores a `database` override next to a connectionString.
  factory.connectToShadowDb = async () => {
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await adminQuery(url, `CREATE DATABASE "${database}"`);
    const { hostname, port, username, password } = new URL(url);
    const shadowFactory = new PrismaPg({
      host: hostname,
      port: port ? Number(port) : undefined,
      user: decodeURIComponent(username) || undefined,
      password: decodeURIComponent(password) || undefined,
      database,
    });
    const shadow = fixPgAdapter(await shadowFactory.connect());
    const endPool = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await endPool();
      await adminQuery(url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    };
    return shadow;
  };

  return {
    factory,
    async close() {
      await Promise.all(opened.map((adapter) => adapter.dispose()));
    },
  };
}

function fixPgAdapter(adapter) {
  reportCharAsText(adapter);
  // Workaround 5: adapter-pg's executeScript splits a migration on every ";" and runs the pieces
  // one by one, so a failing migration is left half applied and a ";" inside a string or function
  // body breaks it. Send the script as one simple query, as Prisma's native engine does; the
  // server then runs it as a single implicit transaction.
  adapter.executeScript = async function (script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Workaround 2: adapter-pg throws UnsupportedNativeDataType for Postgres' internal `"char"` type
 * (OID 18), which the engine's catalog queries return ("Column type 'char' could not be
 * deserialized from the database"). pg already hands the value over as a string, so report the
 * column as text. Patched on the shared base class so transactions, separate objects, get it too.
 */
function reportCharAsText(adapter) {
  let owner = adapter;
  while (!Object.hasOwn(owner, 'performIO')) owner = Object.getPrototypeOf(owner);
  if (owner.performIO.reportsCharAsText) return;
  const performIO = owner.performIO;
  owner.performIO = Object.assign(
    async function (query) {
      const result = await performIO.call(this, query);
      for (const field of result.fields) if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
      return result;
    },
    { reportsCharAsText: true },
  );
}

/** CREATE/DROP DATABASE on a short-lived connection of its own, outside any pool. */
async function adminQuery(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The extensions the migrations create, as pgliteExtensions in src/db/database.ts. */
const extensions = { pg_trgm };

/** @param {string} dir */
async function pgliteFactory(dir) {
  // PGlite's NodeFS mkdir is not recursive: the parent of the data directory must exist.
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const lite = await PGlite.create(dir, { extensions });
  const factory = new PrismaPGlite(lite);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => awaitScripts(await connect());
  // The shadow database is an in-memory PGlite, as in the adapter, but closed when done with.
  factory.connectToShadowDb = async () => {
    const shadowLite = await PGlite.create('memory://', { extensions });
    const shadow = awaitScripts(await new PrismaPGlite(shadowLite).connect());
    shadow.dispose = () => shadowLite.close();
    return shadow;
  };
  return { factory, close: () => lite.close() };
}

/**
 * Workaround 6: pglite-prisma-adapter 0.7.2 starts `exec(script)` without awaiting it. A failing
 * migration then becomes an unhandled rejection and the engine records it as applied.
 */
function awaitScripts(adapter) {
  adapter.executeScript = async function (script) {
    try {
      await this.client.exec(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}
