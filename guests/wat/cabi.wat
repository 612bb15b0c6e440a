;; cabi.wat — the component model's canonical ABI allocator, hand-written so that its
;; layout is fixed: `cabi_realloc(old_ptr, old_size, align, new_size) -> ptr`. A host
;; lowering a string calls `cabi_realloc(0, 0, 1, len)` (old_ptr 0: a new block).
;;
;; Layout: the heap starts at 0x2000; blocks are aligned to `align` (a power of two);
;; growing a block copies it to a new one; memory grows when a block does not fit.
;;
;; Exports:
;;   cabi_realloc(old_ptr, old_size, align, new_size) -> ptr   first new block: 0x2000
;;   upper(ptr, len) -> len    upper-cases ASCII letters in place
;;   memory, heap_next (the next free byte), last_align (the align last asked for)
(module
  (memory (export "memory") 1)
  (global $next (export "heap_next") (mut i32) (i32.const 0x2000))
  (global $last_align (export "last_align") (mut i32) (i32.const 0))

  (func (export "cabi_realloc")
    (param $old_ptr i32) (param $old_size i32) (param $align i32) (param $new_size i32)
    (result i32)
    (local $ptr i32) (local $end i32) (local $have i32)
    (global.set $last_align (local.get $align))
    (local.set $ptr
      (i32.and
        (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then (unreachable)))))
    (global.set $next (local.get $end))
    ;; a grown block keeps its old bytes
    (if (local.get $old_ptr)
      (then
        (memory.copy (local.get $ptr) (local.get $old_ptr)
          (select (local.get $old_size) (local.get $new_size)
            (i32.lt_u (local.get $old_size) (local.get $new_size))))))
    (local.get $ptr))

  (func (export "upper") (param $ptr i32) (param $len i32) (result i32)
    (local $at i32) (local $end i32) (local $byte i32)
    (local.set $at (local.get $ptr))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next_byte
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $at)))
        (if (i32.and
              (i32.ge_u (local.get $byte) (i32.const 0x61))
              (i32.le_u (local.get $byte) (i32.const 0x7a)))
          (then (i32.store8 (local.get $at) (i32.sub (local.get $byte) (i32.const 0x20)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $next_byte)))
    (local.get $len))
)
