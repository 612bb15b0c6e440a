#!/usr/bin/env bash
# Rebuilds every guest into assets/ (or into $GUEST_OUT_DIR, which the
# `rust_guests_match_their_sources` test uses to compare with the committed files).
#   Rust guests: cargo for wasm32-unknown-unknown (rustup target add wasm32-unknown-unknown).
#   WAT guests:  compiled by wasmscope's `wat` crate through a test run with BLESS=1.
# Paths are remapped so the output does not depend on where the clone lives.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${GUEST_OUT_DIR:-$root/assets}"
target="${CARGO_TARGET_DIR:-$HOME/.cache/wasmscope-target}/guests"

RUSTFLAGS="--remap-path-prefix=$here=/guests --remap-path-prefix=$HOME/.cargo=/cargo" \
  cargo build --quiet --release --target wasm32-unknown-unknown \
  --manifest-path "$here/Cargo.toml" --target-dir "$target"
for guest in append strings; do
  cp "$target/wasm32-unknown-unknown/release/$guest.wasm" "$out/$guest.wasm"
  echo "$out/$guest.wasm"
done

if [ -z "${GUEST_OUT_DIR:-}" ]; then
  cd "$root"
  BLESS=1 cargo test --quiet --test guests -- wat_guests_match_their_sources >/dev/null
  for wat in guests/wat/*.wat; do
    echo "assets/$(basename "${wat%.wat}").wasm"
  done
fi
