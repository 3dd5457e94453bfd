#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on offline machines.
# `prisma generate` only needs the path to exist; migrations use scripts/migrate.mjs (WASM engine).
echo "The native Prisma schema engine is not available here; use npm run db:migrate / db:migrate:dev." >&2
exit 1
