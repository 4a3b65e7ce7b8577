# syntax=docker/dockerfile:1
#
# NodeAgent container image: a Native AOT binary on a chiseled runtime-deps base.
#   docker build -t node-agent .
# The build stage runs on the platform being built (no --platform=$BUILDPLATFORM): Native AOT does not
# cross-compile between architectures without a cross toolchain, so a multi-arch build
# (docker buildx build --platform linux/amd64,linux/arm64 .) compiles each architecture natively or under
# emulation, and `dotnet publish` picks the container's own runtime identifier.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Native AOT links with the platform toolchain: clang (the linker driver ILCompiler prefers) and zlib's headers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends clang zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Only what the publish reads: the SDK pin, the shared build properties, central package versions, the analyzer
# configuration (EnforceCodeStyleInBuild with warnings as errors reads it) and the product project.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/NodeAgent/NodeAgent.csproj src/NodeAgent/
# A layer of its own, so that a source change does not download the packages again. With PublishAot the restore
# already brings the ILCompiler package for this machine's runtime identifier.
RUN dotnet restore src/NodeAgent

COPY src/ src/
# Exactly as the README builds it (CONTRACT.md: DIR/node-agent).
RUN dotnet publish src/NodeAgent -c Release -o /out

# No shell, no package manager, only what a self-contained native binary needs (glibc, OpenSSL, CA certificates).
# InvariantGlobalization is on, so no ICU is needed.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
LABEL org.opencontainers.image.source="https://github.com/node-agent/node-agent" \
      org.opencontainers.image.title="node-agent" \
      org.opencontainers.image.description="Kubernetes node agent: ships container logs to Elasticsearch exactly once and serves node_exporter-compatible metrics"
WORKDIR /app
# Only the binary: node-agent.dbg (native debug symbols) and the static web assets manifest stay in the build stage.
COPY --from=build /out/node-agent /app/node-agent
# The image's default user is the non-root `app` (uid 1654). The DaemonSet runs it as uid 0 through its
# securityContext (runAsUser: 0, all capabilities dropped but DAC_READ_SEARCH, read-only root filesystem) because
# container log files are root-owned 0640; a plain `docker run` keeps the non-root default.
# /metrics, /healthz, /readyz and / (Http:ListenAddress, default 0.0.0.0:9100).
EXPOSE 9100
ENTRYPOINT ["/app/node-agent"]
