# The README's two commands: `make demo` and `make test`.
.PHONY: demo test venv sanity units integration lint package docs benchmark compat latest \
	units-2.16 integration-2.16 units-2.21 integration-2.21

VENV ?= $(CURDIR)/.venv
export VENV

venv:
	tests/setup_venv.sh $(VENV)

demo: venv
	playbooks/demo/run_demo.sh

test:
	tests/run_tests.sh

sanity units integration lint package docs benchmark compat latest units-2.16 integration-2.16 units-2.21 integration-2.21:
	tests/run_tests.sh $@
