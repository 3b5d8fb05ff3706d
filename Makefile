# The two set-up commands of the README: `make run` and `make test`.
.PHONY: run test lint bench screenshots bundle clean

run:
	tools/bootstrap.sh
	.venv/bin/scp-desktop

test:
	tools/bootstrap.sh test
	.venv/bin/ruff check scp_desktop tests bench
	.venv/bin/ruff format --check scp_desktop tests bench
	.venv/bin/mypy scp_desktop
	.venv/bin/lint-imports
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest

lint:
	tools/bootstrap.sh test
	.venv/bin/ruff check scp_desktop tests bench
	.venv/bin/mypy scp_desktop
	.venv/bin/lint-imports

# The benchmark suite (5–6 minutes on 2 cores): bench/results.json, bench/results.md and the README table.
bench:
	tools/bootstrap.sh test
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench --readme

bundle:
	tools/bootstrap.sh build
	.venv/bin/pyinstaller --noconfirm build.spec

clean:
	rm -rf .venv build dist .pytest_cache .mypy_cache .ruff_cache
