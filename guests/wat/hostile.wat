;; hostile.wat — a guest that misbehaves on purpose, one export per way, so that
;; wasmscope's tests (and its users) can watch each failure end cleanly.
;; Every misbehaving export has the seed's shape `(ptr, len) -> i32`, so
;; `wasmscope run assets/hostile.wasm --input x --call NAME` tries it.
;;
;;   alloc(size) -> ptr            a well-behaved allocator: always 0x100
;;   bad_alloc(size) -> ptr        returns 0x7FFF0000, far past the end of memory
;;   spin(ptr, len)                loops forever (ended by the timeout or Stop)
;;   boom(ptr, len)                executes `unreachable`
;;   oob(ptr, len)                 loads 4 bytes at 0xFFFFFFF0, past the end of memory
;;   recurse(ptr, len)             calls itself without end (stack overflow)
;;   grow_forever(ptr, len)        grows memory a page at a time until refused
;;   too_long(ptr, len)            claims a result of 0x7FFFFFFF bytes
;;   div(a, b)                     signed division: traps on b = 0
(module
  (memory (export "memory") 1)

  (func (export "alloc") (param $size i32) (result i32)
    (i32.const 0x100))

  (func (export "bad_alloc") (param $size i32) (result i32)
    (i32.const 0x7FFF0000))

  (func (export "spin") (param $ptr i32) (param $len i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0))

  (func (export "boom") (param $ptr i32) (param $len i32) (result i32)
    unreachable)

  (func (export "oob") (param $ptr i32) (param $len i32) (result i32)
    (i32.load (i32.const 0xFFFFFFF0)))

  (func $recurse (export "recurse") (param $ptr i32) (param $len i32) (result i32)
    (i32.add
      (call $recurse (local.get $ptr) (i32.add (local.get $len) (i32.const 1)))
      (i32.const 1)))

  (func (export "grow_forever") (param $ptr i32) (param $len i32) (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size))

  (func (export "too_long") (param $ptr i32) (param $len i32) (result i32)
    (i32.const 0x7FFFFFFF))

  (func (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
)
