;; two_memories.wat — a module with two exported memories (multi-memory), for the
;; hex view's memory selector.
;;
;;   memory   1 page; "main memory" at 0x10; the seed's alloc/append work on it
;;   scratch  2 pages; "scratch memory" at 0x20
(module
  (memory $main (export "memory") 1)
  (memory $scratch (export "scratch") 2)
  (global $next (mut i32) (i32.const 0x400))
  (data (memory $main) (i32.const 0x10) "main memory")
  (data (memory $scratch) (i32.const 0x20) "scratch memory")

  (func (export "alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))
)
