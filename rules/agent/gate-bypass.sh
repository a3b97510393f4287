#!/usr/bin/env bash
# Fixture for the generic rules of gate-bypass.yaml.
set -euo pipefail

# ruleid: git-no-verify
git commit -am "wip" --no-verify
# ruleid: git-no-verify
git push --no-verify origin HEAD
# ruleid: git-no-verify
git commit -n -m "skip hooks"
# ok: git-no-verify
git commit -m "normal commit"
# ok: git-no-verify
git push -n origin HEAD

# ruleid: git-hooks-disabled
HUSKY=0 git commit -m "quick fix"
# ruleid: git-hooks-disabled
SKIP=guardrail,semgrep git commit -m "later"
# ruleid: git-hooks-disabled
git config core.hooksPath /dev/null
# ok: git-hooks-disabled
git config core.hooksPath .githooks
# ok: git-hooks-disabled
SKIP=0

# ruleid: test-failure-ignored-with-or-true
pytest -q || true
# ruleid: test-failure-ignored-with-or-true
cargo test --all-features || exit 0
# ruleid: test-failure-ignored-with-or-true
semgrep --config auto --error . || :
# ok: test-failure-ignored-with-or-true
pytest -q
# ok: test-failure-ignored-with-or-true
rm -f build/cache || true
# ok: test-failure-ignored-with-or-true
semgrep install-semgrep-pro || true
