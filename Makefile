# Two commands do everything on a fresh machine: `make run` and `make test`.
.PHONY: run test clean venv db-stop bench bench-stock

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

bench:
	@bash scripts/bench.sh

bench-stock:
	@bash scripts/bench-stock.sh $(ARGS)

venv:
	@bash scripts/venv.sh

db-stop:
	@bash scripts/pg.sh stop

clean: db-stop
	rm -rf .local .venv .venv-pure
