;; writes.wat — every kind of memory write at addresses known in advance, for
;; `wasmscope run --trace-writes` and the tests of write attribution.
;;
;; `alloc` always returns 0x100. `widths(ptr, len)` writes, from ptr: one byte, two
;; bytes at +2, four at +4, eight at +8, an f32 at +16, an f64 at +24, the low four
;; bytes of an i64 at +32, eight 0xaa bytes (memory.fill) at +40, a copy of the
;; first eight bytes at +48 (memory.copy) and "hello" from a passive segment at +56
;; (memory.init); it returns 61, the bytes it covered. `past_end` stores one byte at
;; 0x200, then an i64 at 0xfffc, four bytes short of the end: that store traps and
;; writes nothing. `grow` adds one page.
(module
  (memory (export "memory") 1)
  (data $hello "hello")
  (func (export "alloc") (param $size i32) (result i32)
    i32.const 0x100)
  (func (export "widths") (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (local.get $ptr) (i32.const 0x11))
    (i32.store16 offset=2 (local.get $ptr) (i32.const 0x2222))
    (i32.store offset=4 (local.get $ptr) (i32.const 0x33333333))
    (i64.store offset=8 (local.get $ptr) (i64.const 0x4444444444444444))
    (f32.store offset=16 (local.get $ptr) (f32.const 1))
    (f64.store offset=24 (local.get $ptr) (f64.const 1))
    (i64.store32 offset=32 (local.get $ptr) (i64.const 0x5555555566666666))
    (memory.fill (i32.add (local.get $ptr) (i32.const 40)) (i32.const 0xaa) (i32.const 8))
    (memory.copy (i32.add (local.get $ptr) (i32.const 48)) (local.get $ptr) (i32.const 8))
    (memory.init $hello (i32.add (local.get $ptr) (i32.const 56)) (i32.const 0) (i32.const 5))
    i32.const 61)
  (func (export "past_end") (param $ptr i32) (param $len i32) (result i32)
    (i32.store8 (i32.const 0x200) (i32.const 1))
    (i64.store (i32.const 0xfffc) (i64.const -1))
    i32.const 0)
  (func (export "grow") (param $ptr i32) (param $len i32) (result i32)
    (memory.grow (i32.const 1))))
