#!/usr/bin/env bash
# The field's own linters over the collection: ansible-lint (production profile),
# antsibull-docs (plugin documentation) and antsibull-changelog (fragments).
# Runs inside the ansible_collections/identity/okta copy made by tests/run_tests.sh.
set -uo pipefail
status=0
# ansible-lint would also find an identity.okta the user installed (~/.ansible/collections, its caches in HOME)
# and lint the playbooks against that copy: it runs with a HOME of its own, so only this checkout counts.
LINT_HOME=$(mktemp -d)
trap 'rm -rf "$LINT_HOME"' EXIT
check() {
    echo "Running lint check '$1'"
    shift
    "$@" || { echo "lint check failed: $*"; status=1; }
}
check ansible-lint env HOME="$LINT_HOME" ansible-lint --offline --nocolor playbooks/
check ansible-lint-rulebooks env HOME="$LINT_HOME" ansible-lint --offline --nocolor extensions/eda/rulebooks/
check antsibull-docs antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck .
check antsibull-changelog antsibull-changelog lint
exit $status
