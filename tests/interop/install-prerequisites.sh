#!/usr/bin/env bash
# Installs what the interop suites need on a fresh Debian 12 machine (run as root; idempotent):
#   - Python grpcio (C-core) for /usr/bin/python3, protoc and the gRPC Python plugin, Debian's grpc protos;
#   - @grpc/grpc-js and @grpc/proto-loader from the committed package-lock.json.
# Any failure stops with a non-zero exit: the interop tests must never be skipped for lack of tooling.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

debian_packages=(python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc grpc-proto libprotobuf-dev)
# Node may come from another source (e.g. a nodejs build that bundles npm): only ask apt when the command is absent.
command -v node >/dev/null || debian_packages+=(nodejs)
command -v npm >/dev/null || debian_packages+=(npm)

missing=()
for package in "${debian_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} > 0)); then
    if ! command -v apt-get >/dev/null; then
        echo "install-prerequisites: apt-get not found; cannot install ${missing[*]}" >&2
        exit 1
    fi
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
    echo "install-prerequisites: installing ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

/usr/bin/python3 -c 'import grpc, google.protobuf; print("install-prerequisites: python grpcio", grpc.__version__)'
command -v protoc >/dev/null && test -f /usr/include/google/protobuf/timestamp.proto || { echo "install-prerequisites: protoc or its well-known protos (libprotobuf-dev) missing" >&2; exit 1; }
test -x /usr/bin/grpc_python_plugin || { echo "install-prerequisites: /usr/bin/grpc_python_plugin missing" >&2; exit 1; }

cd "$here/node"
if [[ ! -d node_modules/@grpc/grpc-js || package-lock.json -nt node_modules/.package-lock.json ]]; then
    # `npm install` (honouring package-lock.json) rather than `npm ci`: the registry here lacks @bufbuild/buf's optional
    # binaries for other platforms, so the lock cannot list them and `npm ci` refuses it as out of sync.
    npm install --no-audit --no-fund
fi
node_modules/.bin/buf --version >/dev/null || { echo "install-prerequisites: buf (npm @bufbuild/buf) does not run" >&2; exit 1; }
node -e 'require("@grpc/grpc-js"); require("@grpc/proto-loader"); console.log("install-prerequisites: node", process.version, "grpc-js", require("@grpc/grpc-js/package.json").version)'
