# The atlas-backup image: the worker (default) and the Atlas simulator, run from the TypeScript
# sources through tsx. For machines with a Docker engine; see docker-compose.yml.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source edits do not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src

USER node
ENTRYPOINT ["node", "bin/atlas-backup.js"]
CMD ["worker"]
