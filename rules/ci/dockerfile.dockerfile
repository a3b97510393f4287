# Fixture for dockerfile.yaml.
# ruleid: dockerfile-from-latest-or-untagged
FROM node:latest AS deps
# ruleid: dockerfile-from-latest-or-untagged
FROM python AS tooling
# ruleid: dockerfile-from-latest-or-untagged
FROM ghcr.io/acme/builder AS build
# ok: dockerfile-from-latest-or-untagged
FROM golang:1.22-alpine AS gobuild
# ok: dockerfile-from-latest-or-untagged
FROM build AS test
# ok: dockerfile-from-latest-or-untagged
FROM python:3.12-slim@sha256:2d7b0f4e2b8e1a6f5c3d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
# ok: dockerfile-from-latest-or-untagged
FROM ${BASE_IMAGE}
# ok: dockerfile-from-latest-or-untagged
FROM scratch

# ruleid: dockerfile-curl-pipe-shell
RUN curl -fsSL https://deb.nodesource.example/setup_20.x | bash -
# ruleid: dockerfile-curl-pipe-shell
RUN apt-get update && wget -qO- https://get.example.dev | sh
# ok: dockerfile-curl-pipe-shell
RUN curl -fsSLo /tmp/tool.tgz https://dl.example.dev/tool-1.2.3.tgz \
    && echo "2d7b0f4e2b8e1a6f5c3d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b  /tmp/tool.tgz" | sha256sum -c -
# ok: dockerfile-curl-pipe-shell
RUN curl -s https://api.example.dev/version | tee /version.json

# ruleid: dockerfile-add-remote-url-without-checksum
ADD https://dl.example.dev/tool-1.2.3.tgz /opt/
# ruleid: dockerfile-add-remote-url-without-checksum
ADD --chown=app:app https://dl.example.dev/config.json /etc/app/
# ok: dockerfile-add-remote-url-without-checksum
ADD --checksum=sha256:2d7b0f4e2b8e1a6f5c3d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b https://dl.example.dev/tool-1.2.3.tgz /opt/
# ok: dockerfile-add-remote-url-without-checksum
ADD ./vendor/tool-1.2.3.tgz /opt/
