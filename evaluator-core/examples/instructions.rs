//! Runs one benchmark workload a fixed number of times, for instruction
//! counts that a loaded machine cannot blur:
//!
//! ```sh
//! cargo build --release -p evaluator-core --example instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measure*' \
//!     target/release/examples/instructions all 10000
//! ```
//!
//! Instructions per call = the reported total ÷ the count. Workloads:
//! `checkout` (evaluate by key, JSON-shaped context), `checkout-slots`
//! (evaluate_index, slot context), `all` and `all-slots` (evaluate_all),
//! `all-with-slots` (evaluate_all_with, as the WebAssembly binding calls it),
//! `load` (parse + validate + compile the 50-flag datafile).

#[path = "../benches/workload/mod.rs"]
mod workload;

use evaluator_core::{Attributes, CompiledDatafile};
use std::hint::black_box;
use std::process::ExitCode;
use workload::{contexts, datafile, slots, NOW};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(name), Some(Ok(count))) = (args.first(), args.get(1).map(|n| n.parse::<usize>()))
    else {
        eprintln!(
            "usage: instructions checkout|checkout-slots|all|all-slots|all-with-slots|load COUNT"
        );
        return ExitCode::from(2);
    };
    let compiled = CompiledDatafile::from_json(&datafile(50)).unwrap_or_else(|e| panic!("{e}"));
    let pool = contexts();
    let slot_pool: Vec<_> = pool.iter().map(|ctx| slots(&compiled, ctx)).collect();
    let index = compiled.flag_index("checkout_v2").unwrap_or_default();
    let checksum = match name.as_str() {
        "checkout" => measure(&pool, count, |ctx| {
            let result = compiled.evaluate(black_box("checkout_v2"), ctx, NOW);
            result.variation_index.map_or(0, |v| v as usize + 1)
        }),
        "checkout-slots" => measure(&slot_pool, count, |ctx| {
            let result = compiled.evaluate_index(black_box(index), ctx, NOW);
            result.variation_index.map_or(0, |v| v as usize + 1)
        }),
        "all" => measure(&pool, count, |ctx| all(&compiled, ctx)),
        "all-slots" => measure(&slot_pool, count, |ctx| all(&compiled, ctx)),
        "load" => {
            let text = datafile(50);
            measure(&[text], count, |text| {
                match CompiledDatafile::from_json(text) {
                    Ok(compiled) => compiled.flag_count(),
                    Err(_) => 0,
                }
            })
        }
        "all-with-slots" => measure(&slot_pool, count, |ctx| {
            let mut sum = 0;
            compiled.evaluate_all_with(ctx, NOW, |_, evaluation| {
                sum += evaluation.variation_index.map_or(0, |v| v as usize);
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
