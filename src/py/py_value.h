/* py_value.h — the values a line of the course's Python makes: None, bool, int, float,
 * str, bytes, tuple, list, a socket (by fd and serial, so a closed one is told), the
 * socket module, and functions. Immutable and counted; repr() and str() as Python writes
 * them. An error is Python's exception: its class and message, raised with py_raise. */
#ifndef SP_PY_VALUE_H
#define SP_PY_VALUE_H
#include <stddef.h>

typedef enum { PV_NONE, PV_BOOL, PV_INT, PV_FLOAT, PV_STR, PV_BYTES, PV_TUPLE, PV_LIST, PV_SOCK, PV_MODULE, PV_FUNC, PV_METHOD } pv_type;

typedef struct py_val py_val;
struct py_fn;

struct py_val {
    pv_type t;
    int refs;
    long long i;                 /* PV_BOOL, PV_INT */
    double f;                    /* PV_FLOAT */
    char *s;                     /* PV_STR (UTF-8), PV_BYTES: n bytes, NUL after */
    size_t n;                    /* also PV_TUPLE/PV_LIST: how many items */
    py_val **items;
    int fd;                      /* PV_SOCK: the socket it was (fd -1 when closed through it) */
    unsigned long serial;
    int family, type;
    const char *ename;           /* PV_INT from the socket module: "AddressFamily.AF_INET" for repr */
    const struct py_fn *fn;      /* PV_FUNC, PV_METHOD */
    py_val *self;                /* PV_METHOD: what it is bound to */
};

/* A function or method: its name, and what it does with its arguments (kw[i] the keyword
 * of args[i], or NULL). Returns the result (a new reference), or NULL with an exception. */
typedef struct py_fn {
    const char *name;
    py_val *(*call)(py_val *self, py_val **args, char **kw, int n);
    const char *doc_en, *doc_zh;
    const char *args;            /* what goes in the brackets, for the prompt's grey hint: "(host, port)" */
} py_fn;

py_val *pv_none(void);
py_val *pv_bool(int b);
py_val *pv_int(long long i);
py_val *pv_float(double f);
py_val *pv_str(const char *s, size_t n);           /* copies */
py_val *pv_cstr(const char *s);
py_val *pv_bytes(const void *s, size_t n);
py_val *pv_tuple(size_t n);                        /* items set by the caller (taken) */
py_val *pv_list(size_t n);
py_val *pv_func(const py_fn *fn);
py_val *pv_method(const py_fn *fn, py_val *self);  /* takes a reference to self */
py_val *pv_sock(int fd, unsigned long serial, int family, int type);
py_val *pv_ref(py_val *v);
void pv_unref(py_val *v);

/* Python's type name: "str", "bytes", "socket" … */
const char *pv_type_name(const py_val *v);
int pv_truth(const py_val *v);
int pv_equal(const py_val *a, const py_val *b);
/* repr(v) and str(v), malloc'd (NULL when out of memory). */
char *pv_repr(const py_val *v);
char *pv_str_of(const py_val *v);

/* A growing text (repr, formatting): oom set, and the rest dropped, when memory runs out. */
typedef struct {
    char *b;
    size_t n, cap;
    int oom;
} py_buf;
void py_buf_put(py_buf *o, const char *s, size_t n);

/* The exception being raised: its class ("TypeError", "socket.gaierror") and message. */
typedef struct {
    char type[40];
    char msg[400];
    int raised;
    int oserror;                 /* an OSError from a socket call (export keeps the line) */
} py_exc;
extern py_exc py_error;
/* Raises type with the printf message; returns NULL for the caller to return. */
py_val *py_raise(const char *type, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raises it: "[Errno 111] Connection refused". */
py_val *py_raise_errno(int e);
void py_clear(void);

/* s.encode(enc) / b.decode(enc): Python's codec names (utf-8, gbk, ascii, latin-1 …) and
 * its errors ("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"). */
py_val *pv_convert(const py_val *v, const char *enc, int encode);
#endif
