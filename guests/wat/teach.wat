;; teach.wat — a guest whose memory layout is fixed and documented, for lessons and
;; byte-exact tests.
;;
;; Layout of its one page (64 KiB) of linear memory:
;;   0x0000 .. 0x0100   unused (address 0 stays zero, so a null pointer reads zeros)
;;   0x0100 .. 0x0119   data segment 0: the 25-byte suffix "<---- This is your string"
;;   0x0400 ..          the heap: `alloc` hands out 8-byte-aligned blocks from here,
;;                      growing memory when it runs out
;;
;; Exports:
;;   alloc(size) -> ptr        bump allocator; the first call returns 0x400 (1024)
;;   append(ptr, len) -> len   the seed's append: copies the suffix to ptr+len
;;   reset()                   forgets every allocation (the next alloc returns 0x400)
;;   memory, __heap_base (0x400), heap_next (the next free byte)
(module
  (memory (export "memory") 1)
  (global $heap_base (export "__heap_base") i32 (i32.const 0x400))
  (global $next (export "heap_next") (mut i32) (i32.const 0x400))
  (data $suffix (i32.const 0x100) "<---- This is your string")

  (func $alloc (export "alloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    ;; ptr = align8(next)
    (local.set $ptr
      (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    ;; grow memory when the block does not fit
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

  (func $append (export "append") (param $ptr i32) (param $len i32) (result i32)
    (memory.copy
      (i32.add (local.get $ptr) (local.get $len))
      (i32.const 0x100)
      (i32.const 25))
    (i32.add (local.get $len) (i32.const 25)))

  (func $reset (export "reset")
    (global.set $next (global.get $heap_base)))
)
