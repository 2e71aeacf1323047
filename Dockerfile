# syncline's image: the roles compiled to JavaScript (npm run build, the same script the image
# layout test runs), production dependencies only, run as an unprivileged user. One image for
# every role: the chart passes `<role> --config /etc/syncline/syncline.yaml [--channel ID]`.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-dist.ts scripts/
COPY streams streams
COPY connectors connectors
COPY schemas schemas
RUN npm run build

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# uid and gid 1001, as the chart's securityContext runs it; no home, no shell needed.
RUN groupadd --system --gid 1001 syncline \
  && useradd --system --uid 1001 --gid 1001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin syncline
COPY --from=production-dependencies /app/node_modules node_modules
COPY --from=build /src/dist dist
# "type": "module": the compiled files are ES modules.
COPY package.json ./
USER 1001:1001
EXPOSE 9464
ENTRYPOINT ["node", "dist/streams/cli.js"]
CMD ["--help"]
