# The atlas-backup image: the worker (default) and the Atlas simulator, run from the TypeScript
# sources through tsx. For machines with a Docker engine; see docker-compose.yml.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source edits do not reinstall them. `npm install` from the committed lock
# (not `npm ci`): the lock lacks other platforms' optional @swc/core builds, which npm ci rejects.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src

USER node
ENTRYPOINT ["node", "bin/atlas-backup.js"]
CMD ["worker"]
