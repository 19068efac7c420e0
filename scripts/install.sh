#!/usr/bin/env bash
# Installs a released patchcheck binary after checking it against the
# release's checksums.
#
#   scripts/install.sh [-b BINDIR] VERSION        e.g. scripts/install.sh -b "$HOME/.local/bin" v0.1.0
#
# It downloads patchcheck_<version>_<os>_<arch>.tar.gz (.zip on Windows) and
# checksums.txt from the GitHub release VERSION, compares the archive's
# SHA-256 with its line in checksums.txt, and only then puts the binary in
# BINDIR (default: ~/.local/bin). A missing line or a different checksum
# installs nothing and exits 1; a VERSION that is not a release tag exits 2
# (for a branch or a commit: go install
# github.com/patchcheck/patchcheck/cmd/patchcheck@REF).
#
# Environment: PATCHCHECK_RELEASES_URL replaces
# https://github.com/patchcheck/patchcheck/releases/download (a mirror; it must
# be https); PATCHCHECK_OS and PATCHCHECK_ARCH replace the detected platform.
# Needs bash, curl, tar (unzip on Windows) and sha256sum or shasum.
set -euo pipefail

die() {
  echo "install.sh: $2" >&2
  exit "$1"
}

usage() {
  echo "usage: install.sh [-b BINDIR] VERSION   (VERSION: a release tag such as v0.1.0)" >&2
  exit 2
}

bindir="${HOME:-.}/.local/bin"
while getopts "b:h" opt; do
  case $opt in
    b) bindir=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
tag=$1

# Releases are tagged vMAJOR.MINOR.PATCH[-PRERELEASE] (goreleaser's
# {{ .Version }} is the tag without its v).
if [[ ! $tag =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  # %q keeps the argument on one line, so it cannot start a CI log command.
  printf -v shown '%q' "$tag"
  die 2 "$shown is not a release tag (vMAJOR.MINOR.PATCH); for a branch or a commit run: go install github.com/patchcheck/patchcheck/cmd/patchcheck@REF"
fi
version=${tag#v}

os=${PATCHCHECK_OS:-}
if [ -z "$os" ]; then
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
    *) die 1 "no release binary for the operating system $(uname -s); build from source: go install github.com/patchcheck/patchcheck/cmd/patchcheck@$tag" ;;
  esac
fi
arch=${PATCHCHECK_ARCH:-}
if [ -z "$arch" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die 1 "no release binary for the architecture $(uname -m); build from source: go install github.com/patchcheck/patchcheck/cmd/patchcheck@$tag" ;;
  esac
fi
case "$os/$arch" in
  linux/amd64 | linux/arm64 | darwin/amd64 | darwin/arm64 | windows/amd64 | windows/arm64) ;;
  *) die 1 "no release binary for $os/$arch" ;;
esac

exe=patchcheck ext=tar.gz
if [ "$os" = windows ]; then
  exe=patchcheck.exe ext=zip
fi
archive="patchcheck_${version}_${os}_${arch}.${ext}"
base="${PATCHCHECK_RELEASES_URL:-https://github.com/patchcheck/patchcheck/releases/download}/$tag"

tmp=$(mktemp -d)
staged=""
trap 'rm -rf "$tmp"; if [ -n "$staged" ]; then rm -f "$staged"; fi' EXIT

download() {
  # https only, also after redirects; --fail: an HTTP error is an error, not a saved error page.
  curl --fail --silent --show-error --location --proto '=https' --proto-redir '=https' --retry 3 -o "$2" "$1" ||
    die 1 "could not download $1 (is $tag a published release?); nothing installed"
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die 1 "neither sha256sum nor shasum is installed, so the download cannot be verified; nothing installed"
  fi
}

download "$base/checksums.txt" "$tmp/checksums.txt"
download "$base/$archive" "$tmp/$archive"

# checksums.txt has one "<sha256>  <file name>" line per archive.
want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print tolower($1) }' "$tmp/checksums.txt")
if [[ ! $want =~ ^[0-9a-f]{64}$ ]]; then
  die 1 "checksums.txt of $tag has no single SHA-256 for $archive; nothing installed"
fi
got=$(sha256 "$tmp/$archive")
if [ "$got" != "$want" ]; then
  die 1 "checksum mismatch for $archive: checksums.txt says $want, the download is $got; nothing installed"
fi

mkdir "$tmp/x"
if [ "$ext" = zip ]; then
  command -v unzip >/dev/null 2>&1 || die 1 "unzip is needed to unpack $archive; nothing installed"
  unzip -q "$tmp/$archive" "$exe" -d "$tmp/x" || die 1 "$archive has no $exe; nothing installed"
else
  tar -xzf "$tmp/$archive" -C "$tmp/x" "$exe" || die 1 "$archive has no $exe; nothing installed"
fi
if [ ! -f "$tmp/x/$exe" ] || [ -L "$tmp/x/$exe" ]; then
  die 1 "$exe in $archive is not a regular file; nothing installed"
fi

# Copied beside the target, then renamed over it: BINDIR never holds a
# half-written binary.
mkdir -p "$bindir"
staged="$bindir/.$exe.$$"
cp "$tmp/x/$exe" "$staged"
chmod 755 "$staged"
mv -f "$staged" "$bindir/$exe"
staged=""
echo "installed patchcheck $tag ($os/$arch, sha256 $got) as $bindir/$exe"
