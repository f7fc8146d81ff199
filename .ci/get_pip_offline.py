# Stand-in for the get-pip.py that ansible-test downloads to bootstrap pip in its
# sanity venvs (the download host is not reachable from CI). It installs pip from
# the interpreter's own ensurepip, then the packages ansible-test asked for from
# the package index. Installed as ~/.ansible/test/cache/get_pip_<version>.py.
import subprocess
import sys

arguments = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + arguments)
