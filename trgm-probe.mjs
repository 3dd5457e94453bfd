import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
const t0 = Date.now();
const a = await PGlite.create('memory://', { extensions: { pg_trgm } });
await a.exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE TABLE x(t text); CREATE INDEX ON x USING gin (t gin_trgm_ops); INSERT INTO x SELECT 'hello ' || g FROM generate_series(1,1000) g;`);
const dump = await a.dumpDataDir('none');
console.log('created', Date.now()-t0);
const b = await PGlite.create('memory://', { extensions: { pg_trgm }, loadDataDir: dump });
console.log((await b.query(`SELECT count(*) FROM x WHERE t ILIKE '%llo 99%'`)).rows, Date.now()-t0);
try { const c = await PGlite.create('memory://', { loadDataDir: dump }); console.log((await c.query(`SELECT count(*) FROM x WHERE t ILIKE '%llo 99%'`)).rows); } catch (e) { console.log('without ext:', e.message); }
