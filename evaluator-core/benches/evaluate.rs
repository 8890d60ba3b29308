//! Evaluation and compilation benchmarks.
//!
//! `cargo bench -p evaluator-core -- --warm-up-time 1 --measurement-time 3`

mod workload;

use criterion::{criterion_group, criterion_main, Criterion};
use evaluator_core::CompiledDatafile;
use std::hint::black_box;
use workload::{contexts, datafile, slots, Slots, NOW};

fn benches(c: &mut Criterion) {
    let compiled = CompiledDatafile::from_json(&datafile(50)).unwrap_or_else(|e| panic!("{e}"));
    let pool = contexts();
    let index = compiled.flag_index("checkout_v2").unwrap_or_default();

    let mut i = 0;
    c.bench_function("evaluate checkout_v2 (50-flag datafile)", |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(
                compiled
                    .evaluate(black_box("checkout_v2"), &pool[i], NOW)
                    .variation_index,
            )
        })
    });

    let slot_pool: Vec<Slots> = pool.iter().map(|ctx| slots(&compiled, ctx)).collect();
    c.bench_function("evaluate_index checkout_v2, slot context", |b| {
        b.iter(|| {
            i = (i + 1) % slot_pool.len();
            black_box(
                compiled
                    .evaluate_index(black_box(index), &slot_pool[i], NOW)
                    .variation_index,
            )
        })
    });

    c.bench_function("evaluate_all (50 flags)", |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(compiled.evaluate_all(&pool[i], NOW).len())
        })
    });

    // What the WebAssembly binding's evaluateAllInto does: results into a buffer.
    let mut variations = vec![0u32; compiled.flag_count()];
    c.bench_function("evaluate_all_with (50 flags), slot context", |b| {
        b.iter(|| {
            i = (i + 1) % slot_pool.len();
            compiled.evaluate_all_with(&slot_pool[i], NOW, |index, evaluation| {
                if let Some(slot) = variations.get_mut(index) {
                    *slot = evaluation.variation_index.unwrap_or(u32::MAX);
                }
            });
            black_box(&variations);
        })
    });

    let big = datafile(1_000);
    c.bench_function("parse + compile (1,000 flags)", |b| {
        b.iter(|| black_box(CompiledDatafile::from_json(black_box(&big)).map(|d| d.flag_count())))
    });
}

criterion_group!(evaluation, benches);
criterion_main!(evaluation);
