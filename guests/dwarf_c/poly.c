/* A C guest built with `clang -g -O0` and no libc: full DWARF for wasmscope's
 * source view. `upper` upper-cases a string in place and keeps a point per byte in
 * a struct array; `centroid` averages the points it kept. */

struct point {
    short x;
    short y;
};

static struct point pts[8];
static int kept;
static unsigned char heap[4096];
static unsigned long top;

/* Reserves `size` bytes (8-aligned, never freed). */
void *alloc(unsigned long size) {
    void *ptr = heap + top;
    top += (size + 7) & ~7ul;
    return ptr;
}

/* Upper-cases the `len` bytes at `s` in place; the first 8 become points (index,
 * byte). Returns `len`. */
int upper(char *s, int len) {
    kept = 0;
    for (int i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') {
            c = c - 32;
        }
        s[i] = c;
        if (i < 8) {
            pts[i].x = (short)i;
            pts[i].y = c;
            kept = i + 1;
        }
    }
    return len;
}

/* Writes the centroid of the points `upper` kept at `at` (x, then y); returns how
 * many points it averaged. */
int centroid(struct point *at) {
    int sx = 0;
    int sy = 0;
    for (int i = 0; i < kept; i++) {
        sx += pts[i].x;
        sy += pts[i].y;
    }
    if (kept > 0) {
        at->x = (short)(sx / kept);
        at->y = (short)(sy / kept);
    }
    return kept;
}
