# syntax=docker/dockerfile:1
# Build stage: install everything, generate the Prisma client, compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
# packages/ holds the Autotask simulator, a development dependency: the demo starter's types come
# from it. The build leaves its code out of dist/ (test/foundation/build.test.ts checks that).
COPY packages ./packages
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production packages, the compiled app (with the Prisma client generated in the
# build stage), views, static files and the migrations. The app applies the migrations itself at
# start (src/boot.ts -> src/db/migrate.ts), so neither the Prisma CLI nor scripts/ or
# prisma.config.ts are needed here (they need development packages and cannot run in this stage).
# --omit=optional also drops what npm marks "devOptional" (the Prisma CLI, TypeScript, Prisma
# Studio's packages: optional peers of @prisma/client): node_modules ~400 MB -> ~150 MB.
# --ignore-scripts: the postinstall step (`prisma generate`) needs that CLI. The simulator is a
# development dependency, so it is left out too; demo mode is refused in production (src/config.ts).
# test/foundation/runtime-image.test.ts builds this stage the same way and signs in to it.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
COPY views ./views
COPY public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/server.js"]
