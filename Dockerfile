# The atlas-backup image: the worker (default) and the Atlas simulator, run from the compiled dist/
# exactly as an installed package runs. For machines with a Docker engine; see docker-compose.yml.

# Build stage: dev dependencies (TypeScript) compile src/ to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Worker memory (docs/operations/deployment.md "Worker memory", bench/fleet.ts): a capped old generation and a small young
# one keep a fleet worker of 1,000 clusters under ~290 MB RSS (bench/fleet.ts --dist, measured 2026-11-24).
ENV NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=4"

# Dependencies first, so source edits do not reinstall them. `npm install` from the committed lock
# (not `npm ci`): the lock lacks other platforms' optional @swc/core builds, which npm ci rejects.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# No tsconfig.json in this stage: bin/atlas-backup.js then runs dist/, not the sources.
COPY bin ./bin
COPY --from=build /app/dist ./dist

USER node
ENTRYPOINT ["node", "bin/atlas-backup.js"]
CMD ["worker"]
