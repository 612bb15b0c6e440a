// shout.c — a C guest with no libc: its own malloc/free (a bump allocator over the
// heap that wasm-ld places after the data, growing memory a page at a time) and a
// string function of the seed's shape, `shout(ptr, len) -> new_len`, which upper-cases
// ASCII letters in place and appends "!!!" (so the caller allocates 3 bytes extra).
// It also calls one imported function, `env.notify(ptr, len)`, which a browser host
// would implement; wasmscope stubs it and logs the call.
//
// Built by guests/build.sh with Debian's clang and wasm-ld:
//   clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=malloc ...
// wasmscope detects the `malloc` convention from the export's name and signature.

#define PAGE_SIZE 65536u
#define ALIGN 8u

typedef unsigned long size_t;
typedef unsigned long uintptr_t;

// Provided by the host (wasmscope: a stub that returns nothing and logs the call).
__attribute__((import_module("env"), import_name("notify")))
void notify(const unsigned char *ptr, size_t len);

// Where wasm-ld put the end of the data and stack: the heap starts here.
extern unsigned char __heap_base;

static uintptr_t heap_next = 0;
static uintptr_t last_block = 0;

// A block's size is kept in the 8 bytes before it, so `free` can roll the heap back.
void *malloc(size_t size) {
    if (heap_next == 0) {
        heap_next = ((uintptr_t)&__heap_base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    }
    uintptr_t block = heap_next + ALIGN;
    uintptr_t end = block + ((size + ALIGN - 1) & ~(ALIGN - 1));
    if (end < block) {
        return 0;
    }
    uintptr_t have = __builtin_wasm_memory_size(0) * PAGE_SIZE;
    if (end > have) {
        uintptr_t pages = (end - have + PAGE_SIZE - 1) / PAGE_SIZE;
        if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) {
            return 0;
        }
    }
    *(size_t *)(block - ALIGN) = size;
    last_block = block;
    heap_next = end;
    return (void *)block;
}

// Frees the most recent block (the heap shrinks back); other blocks stay until then.
void free(void *ptr) {
    if (ptr != 0 && (uintptr_t)ptr == last_block) {
        heap_next = last_block - ALIGN;
        last_block = 0;
    }
}

// Upper-cases the ASCII letters of ptr[0..len) and appends "!!!"; returns the new length.
size_t shout(unsigned char *ptr, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (ptr[i] >= 'a' && ptr[i] <= 'z') {
            ptr[i] -= 'a' - 'A';
        }
    }
    ptr[len] = '!';
    ptr[len + 1] = '!';
    ptr[len + 2] = '!';
    notify(ptr, len + 3);
    return len + 3;
}
