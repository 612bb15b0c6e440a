;; wasm_bindgen.wat — the allocator convention of wasm-bindgen, hand-written so that its
;; layout is fixed: `__wbindgen_malloc(size, align) -> ptr` and
;; `__wbindgen_free(ptr, size, align)`, as the JavaScript glue of a Rust crate built
;; with wasm-bindgen calls them to pass a string (align 1).
;;
;; Layout: the heap starts at 0x1000; blocks are aligned to the `align` asked for
;; (a power of two); memory grows when a block does not fit.
;;
;; Exports:
;;   __wbindgen_malloc(size, align) -> ptr   bump allocator; first call returns 0x1000
;;   __wbindgen_free(ptr, size, align)       does nothing (a bump allocator never frees)
;;   reverse(ptr, len) -> len                reverses the bytes in place
;;   memory, heap_next (the next free byte), last_align (the align last asked for)
(module
  (memory (export "memory") 1)
  (global $next (export "heap_next") (mut i32) (i32.const 0x1000))
  (global $last_align (export "last_align") (mut i32) (i32.const 0))

  (func (export "__wbindgen_malloc") (param $size i32) (param $align i32) (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    (global.set $last_align (local.get $align))
    ;; ptr = next rounded up to a multiple of align
    (local.set $ptr
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $next (local.get $end))
    (local.get $ptr))

  (func (export "__wbindgen_free") (param $ptr i32) (param $size i32) (param $align i32))

  (func (export "reverse") (param $ptr i32) (param $len i32) (result i32)
    (local $lo i32) (local $hi i32) (local $byte i32)
    (local.set $lo (local.get $ptr))
    (local.set $hi (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 1)))
    (block $done
      (loop $swap
        (br_if $done (i32.ge_s (local.get $lo) (local.get $hi)))
        (local.set $byte (i32.load8_u (local.get $lo)))
        (i32.store8 (local.get $lo) (i32.load8_u (local.get $hi)))
        (i32.store8 (local.get $hi) (local.get $byte))
        (local.set $lo (i32.add (local.get $lo) (i32.const 1)))
        (local.set $hi (i32.sub (local.get $hi) (i32.const 1)))
        (br $swap)))
    (local.get $len))
)
