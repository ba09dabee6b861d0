#!/usr/bin/env bash
# The image's build steps, in one place: docker/Dockerfile runs this in its build stage, and CI runs it outside
# Docker (OperationsTests' DockerBuildTests), so the image cannot rot unseen where no Docker engine runs.
#
#   docker/build.sh [--debug | --binary PATH] [--out DIR]
#
# Builds `shuttle` (release, Swift runtime linked statically, as `make build` does; --debug: a debug build;
# --binary: no build, stage PATH — what the test does, since SwiftPM's build lock is held while tests run),
# then stages into DIR (default .build/docker-stage):
#   bin/shuttle              the binary
#   runtime-packages.txt     the Debian packages the runtime image needs: the package of every shared library
#                            the binary links or dlopens (dpkg -S), plus certificates, time zones and curl
#                            for the HEALTHCHECK. The Dockerfile installs exactly this list.
# Fails when a library does not resolve or belongs to no Debian package (a runtime image could not supply it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
configuration=release
out="$root/.build/docker-stage"
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) configuration=debug ;;
    --binary) bin=$2; configuration=debug; shift ;;
    --out) out=$2; shift ;;
    *) echo "docker/build.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
export PATH="$PATH:/opt/swift/usr/bin"

if [ -z "$bin" ]; then
  if [ "$configuration" = release ]; then
    swift build -c release --product shuttle --static-swift-stdlib
  else
    swift build --product shuttle
  fi
  bin="$(swift build -c "$configuration" --show-bin-path)/shuttle"
fi
mkdir -p "$out/bin"
cp "$bin" "$out/bin/shuttle"

# Libraries loaded with dlopen rather than linked (see Sources/CLibPQ/shim.h, Sources/CCurl/shim.h), by soname.
dlopened=(libpq.so.5 libcurl.so.4)

libraries=$(ldd "$bin" | awk '/=>/ { print $1 " " $3 }')
if grep -q " not$" <<<"$libraries"; then
  echo "docker/build.sh: unresolved libraries:" >&2; grep " not$" <<<"$libraries" >&2; exit 1
fi
for soname in "${dlopened[@]}"; do
  path=$(ldconfig -p | awk -v s="$soname" '$1 == s { print $NF; exit }')
  [ -n "$path" ] || { echo "docker/build.sh: $soname (dlopened) is not installed" >&2; exit 1; }
  libraries+=$'\n'"$soname $path"
done

packages=(ca-certificates tzdata curl)
while read -r soname path; do
  [ -n "$soname" ] || continue
  case "$path" in
    /opt/swift/*|*/usr/lib/swift/*)
      # Only a debug build links the Swift runtime dynamically; the release image links it statically.
      if [ "$configuration" = release ]; then echo "docker/build.sh: $soname is dynamic in a release build" >&2; exit 1; fi
      continue ;;
  esac
  real=$(readlink -f "$path")
  package=$(dpkg -S "$real" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$package" ] || package=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$package" ] || { echo "docker/build.sh: $soname ($path) belongs to no Debian package" >&2; exit 1; }
  packages+=("$package")
done <<<"$libraries"

printf '%s\n' "${packages[@]}" | sort -u > "$out/runtime-packages.txt"
echo "docker/build.sh: staged $out/bin/shuttle ($configuration); runtime packages: $(tr '\n' ' ' < "$out/runtime-packages.txt")" >&2
