# patchcheck as a container image: a static binary on distroless, run as a
# non-root user (docs/ci.md#docker).
#
#   docker build --build-arg VERSION=0.1.0 --build-arg COMMIT="$(git rev-parse HEAD)" -t patchcheck .
#   docker run --rm -v "$PWD:/work" patchcheck lint infra
#
# Image tags name a Go release and a Debian release, never latest; pin them
# by digest (@sha256:…) where your registry policy asks for it.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
# The build of .goreleaser.yaml (CGO off, -trimpath, version and commit
# stamped); integrations/release_test.go runs this very command.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/patchcheck ./cmd/patchcheck

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/patchcheck /usr/local/bin/patchcheck
# distroless's nonroot user, by number so a runtime can check it is not root.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/patchcheck"]
