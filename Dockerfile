# syntax=docker/dockerfile:1
# The container image of the inclusive events platform: every service (the gRPC services and
# web, the attendees' pages) and eventctl, built on Debian 12 and run on Debian 12 slim as a
# non-root user. One image for all services: each Kubernetes Deployment picks its binary with
# `command` (deploy/k8s/base/*/deployment.yaml).
#
#   ./scripts/build-image                  # podman or docker; see docs/deploy.md, step 1
#   docker build -t inclusive-events/platform:dev .
#   docker build --build-arg RUN_UNIT_TESTS=1 -t inclusive-events/platform:dev .
#
# Binaries are installed at fixed paths, /usr/local/bin/<service>_server and
# /usr/local/bin/eventctl: the manifests name them there, and scripts/k8s-smoke maps them back
# to the build folder (services/<service>/<service>_server, tools/eventctl/eventctl).

# --- Stage 1: build --------------------------------------------------------------------------
FROM debian:12 AS build
# The build packages of scripts/install-deps (its REQUIRED list, less what only runs things).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libhiredis-dev libspdlog-dev prometheus-cpp-dev libhowardhinnant-date-dev \
      libssl-dev libcurl4-openssl-dev libcli11-dev libgtest-dev libgmock-dev libboost-dev \
      libcpp-httplib-dev libkainjow-mustache-dev \
      tzdata \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# 1: also build the tests and run those labelled unit (no Redis needed) before packaging.
ARG RUN_UNIT_TESTS=0
# Every folder under services/ has a <name>_server target: a new service is picked up here
# without a change to this file.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && targets="eventctl" \
 && for dir in services/*/; do targets="$targets $(basename "$dir")_server"; done \
 && cmake --build /build -j"$(nproc)" --target $targets \
 && if [ "$RUN_UNIT_TESTS" = 1 ]; then \
      cmake --build /build -j"$(nproc)" && ctest --test-dir /build -L unit --output-on-failure; \
    fi \
 && mkdir -p /out \
 && install -m 0755 --strip /build/services/*/*_server /build/tools/eventctl/eventctl /out/

# --- Stage 2: run ----------------------------------------------------------------------------
FROM debian:12-slim
# The shared libraries the binaries link (ldd, mapped to packages with dpkg -S on Debian 12),
# the time zone database (events keep IANA zones), libcurl (webhooks) and CA certificates (TLS to webhooks);
# libcpp-httplib0.11 is web's HTTP server.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 \
      libhiredis0.14 libspdlog1.10 libfmt9 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libcivetweb1 \
      libdate-tz3 libssl3 zlib1g libcurl4 libcpp-httplib0.11 \
      ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*

# A fixed, non-root user and group: the manifests run as 10001:10001 (runAsNonRoot needs a
# numeric user to check).
RUN groupadd --system --gid 10001 events \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin events

COPY --from=build /out/ /usr/local/bin/

# Fail the image build, naming the library, when a binary needs one that is not installed
# above (a new service linking a new library, say): add its Debian package to the list.
RUN missing="$(ldd /usr/local/bin/* | awk '/^\// { file = $1 } /not found/ { print file, $1 }')" \
 && if [ -n "$missing" ]; then echo "missing shared libraries:"; echo "$missing"; exit 1; fi

USER 10001:10001
# gRPC 50051-50055 (scheduling, registration, accessibility, feedback, integrations) and their
# metrics 9101-9105; web's HTTP 8080 and metrics 9106. Each service listens only on its own pair.
EXPOSE 50051-50055 9101-9106 8080
LABEL org.opencontainers.image.title="inclusive-events" \
      org.opencontainers.image.description="Inclusive events platform: gRPC services, web pages and eventctl" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"
# No entrypoint: the Deployment's command names the service binary.
CMD ["/usr/local/bin/eventctl", "--help"]
