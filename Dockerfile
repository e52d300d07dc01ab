# An image whose entrypoint is rampart, for Kubernetes pods and CI jobs (docs/distributed.md).
#   docker build -t rampart .
#   docker run --rm -v "$PWD:/work" -w /work rampart run scenario.ts
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
# the scripts: 'prepare' would build before the sources are here; esbuild finds its binary without its postinstall
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY runner runner
COPY scenarios scenarios
COPY reporters reporters
COPY simulator simulator
COPY shared shared
# the build's second step bundles the command (scripts/bundle-cli.mjs)
COPY scripts scripts
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# dependencies only; dist/ comes from the build stage ('prepare' would need tsc, a dev dependency)
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin bin
COPY --from=build /app/dist dist
RUN ln -s /app/bin/rampart.js /usr/local/bin/rampart
# results and temp files go to the working folder, as an unprivileged user
USER node
WORKDIR /home/node
ENTRYPOINT ["rampart"]
CMD ["--help"]
