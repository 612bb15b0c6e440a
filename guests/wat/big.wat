;; big.wat — a guest with the largest wasm32 memory: 65,536 pages = 4 GiB, for the
;; hex view at scale (scroll to the last byte, search the whole memory).
;;
;; Layout:
;;   0x00000100          "first bytes of 4 GiB"
;;   0x80000000          "halfway"
;;   0xffffffe0          "the last bytes of 4 GiB!" and 0x2a in the very last byte
;;   0x00001000 ..       the heap: `alloc` is a bump allocator (first block 0x1000)
;;
;; Exports: memory, alloc(size) -> ptr, append(ptr, len) -> len (the seed's suffix,
;; copied from 0x200).
(module
  (memory (export "memory") 65536 65536)
  (global $next (mut i32) (i32.const 0x1000))
  (data (i32.const 0x100) "first bytes of 4 GiB")
  (data (i32.const 0x200) "<---- This is your string")
  (data (i32.const 0x80000000) "halfway")
  (data (i32.const 0xffffffe0) "the last bytes of 4 GiB!")
  (data (i32.const 0xffffffff) "\2a")

  (func (export "alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func (export "append") (param $ptr i32) (param $len i32) (result i32)
    (memory.copy
      (i32.add (local.get $ptr) (local.get $len))
      (i32.const 0x200)
      (i32.const 25))
    (i32.add (local.get $len) (i32.const 25)))
)
