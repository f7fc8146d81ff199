# The README's two commands: `make demo` and `make test`.
.PHONY: demo test venv sanity units integration lint package docs compat

VENV ?= $(CURDIR)/.venv

venv:
	tests/setup_venv.sh $(VENV)

demo: venv
	playbooks/demo/run_demo.sh

test:
	tests/run_tests.sh

sanity units integration lint package docs compat:
	tests/run_tests.sh $@
