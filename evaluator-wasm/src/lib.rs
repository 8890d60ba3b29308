//! wasm-bindgen bindings over evaluator-core.
