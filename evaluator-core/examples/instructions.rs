//! Runs one benchmark workload a fixed number of times, for instruction
//! counts that a loaded machine cannot blur:
//!
//! ```sh
//! cargo build --release -p evaluator-core --example instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measure*' \
//!     target/release/examples/instructions all-outcomes 10000
//! ```
//!
//! Instructions per call = the reported total ÷ the count. Workloads, on the
//! peer harness's datafile and contexts: `checkout` (evaluate by key,
//! JSON-shaped context), `checkout-slots` (evaluate_index_outcome, slot
//! context: what the WebAssembly binding's `evaluateIndex` runs), `all` and
//! `all-slots` (evaluate_all), `all-outcomes` (evaluate_all_outcomes, slot
//! context: the binding's `evaluateAllInto`); `load` (parse + validate +
//! compile the synthetic 50-flag datafile).

#[path = "../benches/workload/mod.rs"]
mod workload;

use evaluator_core::{Attributes, CompiledDatafile};
use std::hint::black_box;
use std::process::ExitCode;
use workload::{datafile, peer_contexts, peer_datafile, slots, MEASURED_FLAG, NOW};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(name), Some(Ok(count))) = (args.first(), args.get(1).map(|n| n.parse::<usize>()))
    else {
        eprintln!(
            "usage: instructions checkout|checkout-slots|all|all-slots|all-outcomes|load COUNT"
        );
        return ExitCode::from(2);
    };
    let compiled = CompiledDatafile::from_json(&peer_datafile()).unwrap_or_else(|e| panic!("{e}"));
    let pool = peer_contexts();
    let slot_pool: Vec<_> = pool.iter().map(|ctx| slots(&compiled, ctx)).collect();
    let index = compiled.flag_index(MEASURED_FLAG).unwrap_or_default();
    let checksum = match name.as_str() {
        "checkout" => measure(&pool, count, |ctx| {
            let result = compiled.evaluate(black_box(MEASURED_FLAG), ctx, NOW);
            result.variation_index.map_or(0, |v| v as usize + 1)
        }),
        "checkout-slots" => measure(&slot_pool, count, |ctx| {
            let result = compiled.evaluate_index_outcome(black_box(index), &ctx.view(), NOW);
            result.map_or(0, |o| o.variation as usize + 1)
        }),
        "all" => measure(&pool, count, |ctx| all(&compiled, ctx)),
        "all-slots" => measure(&slot_pool, count, |ctx| all(&compiled, &ctx.view())),
        "load" => {
            let text = datafile(50);
            measure(&[text], count, |text| {
                match CompiledDatafile::from_json(text) {
                    Ok(compiled) => compiled.flag_count(),
                    Err(_) => 0,
                }
            })
        }
        "all-outcomes" => measure(&slot_pool, count, |ctx| {
            let mut sum = 0;
            compiled.evaluate_all_outcomes(&ctx.view(), NOW, |_, outcome| {
                sum += outcome.variation as usize;
            });
            sum
        }),
        _ => {
            eprintln!("unknown workload {name}");
            return ExitCode::from(2);
        }
    };
    println!("{name} × {count}: checksum {checksum}");
    ExitCode::SUCCESS
}

fn all<C: Attributes>(compiled: &CompiledDatafile, ctx: &C) -> usize {
    compiled
        .evaluate_all(ctx, NOW)
        .iter()
        .filter_map(|e| e.variation_index)
        .sum::<u32>() as usize
}

/// The only code callgrind counts (`--toggle-collect='*measure*'`).
#[inline(never)]
fn measure<C>(pool: &[C], count: usize, run: impl Fn(&C) -> usize) -> usize {
    (0..count).fold(0, |sum, i| sum + run(black_box(&pool[i % pool.len()])))
}
