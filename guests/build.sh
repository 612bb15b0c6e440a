#!/usr/bin/env bash
# Rebuilds every guest into assets/ (or into $GUEST_OUT_DIR, which tests/guests.rs uses
# to compare fresh builds with the committed files). Needs every toolchain:
#   Rust guests:    cargo for wasm32-unknown-unknown, wasm32-wasip1 and wasm32-wasip2
#                   (rustup target add wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2);
#                   wasm32-wasip2 builds the component guest (guests/component).
#   C guest:        Debian's clang, lld and binaryen (apt-get install clang lld binaryen):
#                   clang runs binaryen's wasm-opt after linking when it is installed.
#   AssemblyScript: node and npm; `npm ci` in guests/assemblyscript installs asc.
#   WAT guests:     compiled by wasmscope's `wat` crate through a test run with BLESS=1.
# With GUEST_ONLY=rust|c|assemblyscript only that kind is built (the tests use it).
# Paths are remapped (to /guests/…), and debug info is emitted only for the two DWARF
# guests (dwarf_rust, dwarf_c), so the output does not depend on where the clone lives.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${GUEST_OUT_DIR:-$root/assets}"
only="${GUEST_ONLY:-all}"
target="${CARGO_TARGET_DIR:-$HOME/.cache/wasmscope-target}/guests"

if [ "$only" = all ] || [ "$only" = rust ]; then
  export RUSTFLAGS="--remap-path-prefix=$here=/guests --remap-path-prefix=$HOME/.cargo=/cargo"
  cargo build --quiet --release --target wasm32-unknown-unknown -p append -p strings \
    --manifest-path "$here/Cargo.toml" --target-dir "$target"
  for guest in append strings; do
    cp "$target/wasm32-unknown-unknown/release/$guest.wasm" "$out/$guest.wasm"
    echo "$out/$guest.wasm"
  done
  cargo build --quiet --release --target wasm32-wasip1 -p greet \
    --manifest-path "$here/Cargo.toml" --target-dir "$target"
  cp "$target/wasm32-wasip1/release/greet.wasm" "$out/greet.wasm"
  echo "$out/greet.wasm"
  cargo build --quiet --release --target wasm32-wasip2 -p component -p hello_p2 \
    --manifest-path "$here/Cargo.toml" --target-dir "$target"
  for guest in component hello_p2; do
    cp "$target/wasm32-wasip2/release/$guest.wasm" "$out/$guest.wasm"
    echo "$out/$guest.wasm"
  done
  # The debug profile: full DWARF (Cargo.toml's [profile.dev] keeps it to one compile
  # unit of ours, beside the standard library's line tables).
  cargo build --quiet --target wasm32-unknown-unknown -p dwarf_rust \
    --manifest-path "$here/Cargo.toml" --target-dir "$target"
  cp "$target/wasm32-unknown-unknown/debug/dwarf_rust.wasm" "$out/dwarf_rust.wasm"
  echo "$out/dwarf_rust.wasm"
  # The same guest optimised, with its DWARF kept: variables live in Wasm locals or
  # are optimised out, as in a release build someone debugs.
  cargo build --quiet --release --target wasm32-unknown-unknown -p dwarf_rust \
    --config 'profile.release.debug=true' --config 'profile.release.strip="none"' \
    --manifest-path "$here/Cargo.toml" --target-dir "$target/release-dwarf"
  cp "$target/release-dwarf/wasm32-unknown-unknown/release/dwarf_rust.wasm" \
    "$out/dwarf_rust_release.wasm"
  echo "$out/dwarf_rust_release.wasm"
fi

if [ "$only" = all ] || [ "$only" = c ]; then
  (cd "$here/c" && clang --target=wasm32 -O2 -nostdlib -fdebug-prefix-map="$here"=/guests \
    -Wl,--no-entry -Wl,--export=malloc -Wl,--export=free -Wl,--export=shout \
    -o "$out/shout_c.wasm" shout.c)
  echo "$out/shout_c.wasm"
  # Full DWARF, unoptimised: every local lives on the shadow stack.
  (cd "$here/dwarf_c" && clang --target=wasm32 -g -O0 -nostdlib \
    -fdebug-prefix-map="$here"=/guests -Wl,--no-entry -Wl,--export=alloc \
    -Wl,--export=upper -Wl,--export=centroid -o "$out/dwarf_c.wasm" poly.c)
  echo "$out/dwarf_c.wasm"
fi

if [ "$only" = all ] || [ "$only" = assemblyscript ]; then
  as_dir="$here/assemblyscript"
  [ -x "$as_dir/node_modules/.bin/asc" ] || (cd "$as_dir" && npm ci --silent --no-audit --no-fund)
  (cd "$as_dir" && node_modules/.bin/asc assembly/index.ts --outFile "$out/shout_as.wasm" \
    --optimize --exportRuntime)
  echo "$out/shout_as.wasm"
fi

if [ "$only" = all ] && [ -z "${GUEST_OUT_DIR:-}" ]; then
  cd "$root"
  BLESS=1 cargo test --quiet --test guests -- wat_guests_match_their_sources >/dev/null
  for wat in guests/wat/*.wat; do
    echo "assets/$(basename "${wat%.wat}").wasm"
  done
fi
