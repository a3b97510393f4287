#!/usr/bin/env bash
# Fixture for shell-scripts.yaml.
set -euo pipefail
# ruleid: shell-curl-pipe-shell
curl -sSf https://sh.rustup.example/rustup-init.sh | sh -s -- -y
# ruleid: shell-curl-pipe-shell
wget -O - https://get.example.dev/install | sudo bash
# ok: shell-curl-pipe-shell
curl -sSfo rustup-init.sh https://sh.rustup.example/rustup-init.sh
# ok: shell-curl-pipe-shell
sha256sum -c rustup-init.sh.sha256 && sh rustup-init.sh -y
# ok: shell-curl-pipe-shell
curl -s https://api.example.dev/v1/status | grep -q ok
