# The atlas-backup image: the worker (default) and the Atlas simulator, run from the compiled dist/
# exactly as an installed package runs. For machines with a Docker engine: docker-compose.yml, and
# docs/operations/deployment.md for Kubernetes. test/cli/dockerfile-build.test.ts replays the build
# stage below without Docker, so a file the build needs but no COPY brings in fails the test suite.
#
# Build with the Worker Versioning build id baked in (a worker reports it to Temporal):
#   docker build --build-arg ATLAS_BACKUP_BUILD_ID=$(git rev-parse --short HEAD) -t atlas-backup:$(git rev-parse --short HEAD) .

# Build stage: dev dependencies (TypeScript, the workflow bundler) compile src/ to dist/.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# src/worker-thread.ts starts its thread with bin/worker-thread.js (plain JavaScript the bin shares).
COPY bin ./bin
# `npm run build`'s postbuild copies src/codec/failure-converter.cjs into dist/ and bundles the
# workflows into dist/workflow-bundle.js with this script (it imports the built dist/worker.js).
COPY scripts/bundle-workflows.mjs ./scripts/
RUN npm run build

FROM node:20.20.2-bookworm-slim
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

# The Worker Versioning build id this image's workers report; empty when the build gave none (the
# worker then takes its own default). Compose and Kubernetes may still override it per container.
ARG ATLAS_BACKUP_BUILD_ID=""
ENV ATLAS_BACKUP_BUILD_ID=${ATLAS_BACKUP_BUILD_ID}
LABEL org.opencontainers.image.title="atlas-backup" \
      org.opencontainers.image.version="${ATLAS_BACKUP_BUILD_ID}"

USER node
ENTRYPOINT ["node", "bin/atlas-backup.js"]
CMD ["worker"]
