#!/usr/bin/env bash
# Installs what the test suite needs on a bare Debian 12 machine (run as root; idempotent; ./test.sh calls it):
#   - Python grpcio (C-core) for /usr/bin/python3, protoc and the gRPC Python plugin, Debian's grpc protos;
#   - the command-line tools tests cross-check batch files with: zstd, gzip, openssl; sqlite3 for inspecting databases;
#   - @grpc/grpc-js, @grpc/proto-loader and buf with `npm ci` from the committed package-lock.json (never rewritten);
#   - IPv6 on the loopback interface (the host serves both families and a test calls both).
# Any failure stops with a non-zero exit: tests must never be skipped for lack of tooling.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

debian_packages=(python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc grpc-proto libprotobuf-dev
                 zstd gzip openssl sqlite3 iproute2)
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

for tool in zstd gzip openssl sqlite3; do
    command -v "$tool" >/dev/null || { echo "install-prerequisites: $tool is still missing after apt-get" >&2; exit 1; }
done

# IPv6 loopback: containers often start with it disabled. Turn it on when we can; otherwise stop with the reason,
# since the dual-stack test would fail for the machine, not for the host.
if ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0 >/dev/null 2>&1 || true
    "${sudo_cmd[@]}" ip -6 addr add ::1/128 dev lo >/dev/null 2>&1 || true
    if ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
        echo "install-prerequisites: IPv6 loopback (::1) is not available and could not be enabled" \
             "(sysctl net.ipv6.conf.lo.disable_ipv6=0 failed: the kernel or container has IPv6 off)." \
             "The dual-stack serving test needs it; run on a machine or container with IPv6 enabled." >&2
        exit 1
    fi
fi
echo "install-prerequisites: zstd, gzip, openssl, sqlite3 and IPv6 loopback ready"

cd "$here/node"
if [[ ! -d node_modules/@grpc/grpc-js || package-lock.json -nt node_modules/.package-lock.json ]]; then
    # `npm ci` installs exactly the committed lock and never rewrites it (a checkout stays clean).
    npm ci --no-audit --no-fund
fi
node_modules/.bin/buf --version >/dev/null || { echo "install-prerequisites: buf (npm @bufbuild/buf) does not run" >&2; exit 1; }
node -e 'require("@grpc/grpc-js"); require("@grpc/proto-loader"); console.log("install-prerequisites: node", process.version, "grpc-js", require("@grpc/grpc-js/package.json").version)'
