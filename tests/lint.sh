#!/usr/bin/env bash
# The field's own linters over the collection: ansible-lint (production profile),
# antsibull-docs (plugin documentation) and antsibull-changelog (fragments).
# Runs inside the ansible_collections/identity/okta copy made by tests/run_tests.sh.
set -uo pipefail
status=0
check() {
    echo "Running lint check '$1'"
    shift
    "$@" || { echo "lint check failed: $*"; status=1; }
}
check ansible-lint ansible-lint --offline --nocolor playbooks/
check ansible-lint-rulebooks ansible-lint --offline --nocolor extensions/eda/rulebooks/
check antsibull-docs antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck .
check antsibull-changelog antsibull-changelog lint
exit $status
