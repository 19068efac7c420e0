#!/bin/sh
# Regenerates the Python modules beside plugin.py from the .proto files, then
# the SHA-256 pins of them that plugin.py keeps: plugin.py loads a generated
# module only when its bytes match its pin, so the checksum patchcheck pins
# (--simulator-sha256, plugin.py's) covers the generated code too.
#
# Run from anywhere, after the contract (../proto/simulator.proto) changes:
#
#   plugins/simulator/example-python/generate.sh
#
# It needs Debian's protoc, its gRPC Python generator and the well-known
# .proto files (google/protobuf/empty.proto), and Go, which finds go-plugin's
# own .proto files in the module cache at the version go.mod requires:
#
#   apt-get install protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
#
# The committed modules were made with protoc 3.21.12 and grpc_python_plugin
# 1.51.1 (Debian 12), matching python3-protobuf and python3-grpcio there.
set -eu
cd "$(dirname "$0")"
go mod download github.com/hashicorp/go-plugin
goplugin=$(go list -m -f '{{.Dir}}' github.com/hashicorp/go-plugin)
protoc \
  --proto_path=../proto --proto_path=proto --proto_path="$goplugin/internal/plugin" \
  --python_out=. \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin --grpc_python_out=. \
  simulator.proto health.proto grpc_controller.proto grpc_stdio.proto

# Rewrite the block of pins in plugin.py (between its BEGIN and END lines).
/usr/bin/python3 -I - <<'PY'
import hashlib, pathlib, re
here = pathlib.Path(".")
pins = "".join(
    f'    "{p.stem}": "{hashlib.sha256(p.read_bytes()).hexdigest()}",\n'
    for p in sorted(here.glob("*_pb2*.py"))
)
src = pathlib.Path("plugin.py").read_text()
new, n = re.subn(
    r"(# BEGIN generated module pins.*?\n).*?(# END generated module pins)",
    lambda m: m.group(1) + "GENERATED_SHA256 = {\n" + pins + "}\n" + m.group(2),
    src, flags=re.S)
if n != 1:
    raise SystemExit("plugin.py: no block of generated module pins to rewrite")
pathlib.Path("plugin.py").write_text(new)
PY
