#!/usr/bin/env bash
# Makes a private CA and a server certificate for 127.0.0.1/localhost in DIR (idempotent: an existing set is
# kept). Tests and the demo serve HTTPS with it and point Shuttle at DIR/ca.pem, so TLS verification stays on.
#   scripts/tls/make-ca.sh DIR  ->  DIR/ca.pem DIR/ca.key DIR/server.pem DIR/server.key
set -euo pipefail
dir=${1:?usage: make-ca.sh DIR}
mkdir -p "$dir"
[ -s "$dir/ca.pem" ] && [ -s "$dir/server.pem" ] && [ -s "$dir/server.key" ] && exit 0
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Shuttle test CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext \
  -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 600 ca.key server.key
