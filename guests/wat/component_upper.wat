;; component_upper.wat — a WebAssembly *component*, hand-written so that the canonical
;; ABI's traffic through its core memory is fixed to the byte. Its WIT:
;;
;;   upper: func(s: string) -> string   ASCII letters upper-cased, other bytes kept
;;   count: func(s: string) -> u32      the length of `s` in bytes (UTF-8)
;;
;; Both are lifted from one core module (below) with `string-encoding=utf8`, its exported
;; `memory` and its `cabi_realloc`.
;;
;; Layout of the core memory (1 page, 64 KiB; grows when a block does not fit):
;;   0x0000–0x00ff  unused (zero)
;;   0x0100–0x0107  the return area of `upper`, a fixed static (never allocated):
;;                  0x100 = result pointer (i32, little-endian), 0x104 = result length
;;   0x0108–0x0fff  unused (zero)
;;   0x1000–        the heap: a bump allocator (`heap_next` = the next free byte, 0x1000
;;                  at start) whose blocks are aligned to the `align` asked for. No
;;                  block is freed alone: the whole heap is dropped at once when
;;                  `cabi_post_upper` or `count` moves `heap_next` back to 0x1000.
;;
;; One call of `upper(s)` with a `len`-byte string, from a fresh instance or after the
;; previous call's post-return:
;;   1. the host calls cabi_realloc(0, 0, 1, len) -> 0x1000 and copies `s` there;
;;   2. the host calls the core `upper(0x1000, len)`, which takes the result's block
;;      with cabi_realloc(0, 0, 1, len) -> 0x1000 + len, writes the upper-cased bytes
;;      there, stores [0x1000 + len, len] at 0x100 and returns 0x100;
;;   3. the host lifts the result string from 0x100, then calls the post-return
;;      `cabi_post_upper(0x100)`, which resets `heap_next` to 0x1000 and adds 1 to
;;      `post_returns`. Nothing is cleared: the bytes stay in memory until overwritten.
;; E.g. upper("The input string"): cabi_realloc(0, 0, 1, 16) returns 0x1000, the result
;; "THE INPUT STRING" lies at 0x1010, and the return area at 0x100 holds [0x1010, 16].
;;
;; One call of `count(s)`: the host calls cabi_realloc(0, 0, 1, len) -> 0x1000 and copies
;; `s` there, then the core `count(0x1000, len)` returns `len` directly (a u32 result
;; needs no return area). It has no post-return: being done with its argument, `count`
;; itself resets `heap_next` to 0x1000 before returning.
;;
;; Core exports (visible in the core instance, not in the component's WIT):
;;   memory
;;   cabi_realloc(old_ptr, old_size, align, new_size) -> ptr   a grown block keeps its bytes
;;   upper(ptr, len) -> 0x100,  cabi_post_upper(ret_area),  count(ptr, len) -> len
;;   heap_next (the next free byte, 0x1000 between calls), last_align (the align last
;;   asked for), post_returns (how many times `cabi_post_upper` ran)
(component
  (core module $m
    (memory (export "memory") 1)
    (global $next (export "heap_next") (mut i32) (i32.const 0x1000))
    (global $last_align (export "last_align") (mut i32) (i32.const 0))
    (global $post_returns (export "post_returns") (mut i32) (i32.const 0))

    (func $realloc (export "cabi_realloc")
      (param $old_ptr i32) (param $old_size i32) (param $align i32) (param $new_size i32)
      (result i32)
      (local $ptr i32) (local $end i32) (local $have i32)
      (global.set $last_align (local.get $align))
      ;; ptr = next rounded up to a multiple of align
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
      (local $out i32) (local $at i32) (local $byte i32)
      (local.set $out
        (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
      (block $done
        (loop $next_byte
          (br_if $done (i32.ge_u (local.get $at) (local.get $len)))
          (local.set $byte (i32.load8_u (i32.add (local.get $ptr) (local.get $at))))
          (if (i32.and
                (i32.ge_u (local.get $byte) (i32.const 0x61))
                (i32.le_u (local.get $byte) (i32.const 0x7a)))
            (then (local.set $byte (i32.sub (local.get $byte) (i32.const 0x20)))))
          (i32.store8 (i32.add (local.get $out) (local.get $at)) (local.get $byte))
          (local.set $at (i32.add (local.get $at) (i32.const 1)))
          (br $next_byte)))
      ;; the return area: [ptr, len] at 0x100
      (i32.store (i32.const 0x100) (local.get $out))
      (i32.store (i32.const 0x104) (local.get $len))
      (i32.const 0x100))

    (func (export "cabi_post_upper") (param $ret_area i32)
      (global.set $next (i32.const 0x1000))
      (global.set $post_returns (i32.add (global.get $post_returns) (i32.const 1))))

    (func (export "count") (param $ptr i32) (param $len i32) (result i32)
      (global.set $next (i32.const 0x1000))
      (local.get $len))
  )
  (core instance $i (instantiate $m))

  (func $upper (param "s" string) (result string)
    (canon lift (core func $i "upper")
      (memory (core memory $i "memory"))
      (realloc (core func $i "cabi_realloc"))
      string-encoding=utf8
      (post-return (core func $i "cabi_post_upper"))))
  (export "upper" (func $upper))

  (func $count (param "s" string) (result u32)
    (canon lift (core func $i "count")
      (memory (core memory $i "memory"))
      (realloc (core func $i "cabi_realloc"))
      string-encoding=utf8))
  (export "count" (func $count))
)
