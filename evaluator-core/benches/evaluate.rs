//! Evaluation and compilation benchmarks.
//!
//! `cargo bench -p evaluator-core -- --warm-up-time 1 --measurement-time 3`

mod workload;

use criterion::{criterion_group, criterion_main, Criterion};
use evaluator_core::CompiledDatafile;
use std::hint::black_box;
use workload::{datafile, peer_contexts, peer_datafile, slots, Slots, MEASURED_FLAG, NOW};

fn benches(c: &mut Criterion) {
    let compiled = CompiledDatafile::from_json(&peer_datafile()).unwrap_or_else(|e| panic!("{e}"));
    let pool = peer_contexts();
    let index = compiled.flag_index(MEASURED_FLAG).unwrap_or_default();

    let mut i = 0;
    c.bench_function("evaluate checkout_v2 by key (peer workload)", |b| {
        b.iter(|| {
            i = (i + 1) % pool.len();
            black_box(
                compiled
                    .evaluate(black_box(MEASURED_FLAG), &pool[i], NOW)
                    .variation_index,
            )
        })
    });

    let slot_pool: Vec<Slots> = pool.iter().map(|ctx| slots(&compiled, ctx)).collect();
    // What the WebAssembly binding's evaluateIndex does.
    c.bench_function("evaluate_index_outcome checkout_v2, slot context", |b| {
        b.iter(|| {
            i = (i + 1) % slot_pool.len();
            black_box(compiled.evaluate_index_outcome(black_box(index), &slot_pool[i].view(), NOW))
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
    c.bench_function("evaluate_all_outcomes (50 flags), slot context", |b| {
        b.iter(|| {
            i = (i + 1) % slot_pool.len();
            compiled.evaluate_all_outcomes(&slot_pool[i].view(), NOW, |index, outcome| {
                if let Some(slot) = variations.get_mut(index) {
                    *slot = outcome.variation;
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
