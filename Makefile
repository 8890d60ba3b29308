# Halyard's two commands, plus conveniences. The scripts hold the logic.
.PHONY: test run bench fmt

test:   ## every check CI runs: tools, fmt, clippy, Rust tests, vectors, WASM, sdk-js
	scripts/test.sh

run:    ## the control plane with SQLite and demo data
	scripts/run.sh

bench:  ## criterion benches of the evaluation core
	cargo bench -p evaluator-core

fmt:    ## format the Rust workspace
	cargo fmt --all
