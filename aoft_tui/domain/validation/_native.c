/* The validator's two per-text loops, in C: an optional speed-up of fastpath.py and
 * pending.py, which run the same loops in Python when this module is not built.
 *
 * plain_spans: for a plain chat line msgspec has checked, find each content's raw JSON
 *   literal in the chunk and tell its kind, as fastpath.plain_chat's Python walk does.
 * slices: the bytes of each (start, end) span of a buffer, as a list (for counting).
 *
 * Both read only what Python hands them; neither decides anything the Python code does
 * not (tests/validation/test_native.py holds them equal on fuzzed input).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { PROMPT = 0, TRAINED = 1, UNTRAINED = 2 };

/* The first place of needle in hay, or NULL (memmem is not portable; a content's literal
 * is found a few bytes after the search starts, so this is as fast). */
static const char *find_bytes(const char *hay, size_t hay_len, const char *needle, size_t len) {
    const char *end = hay + hay_len;
    while (len && (size_t)(end - hay) >= len) {
        const char *p = memchr(hay, needle[0], (size_t)(end - hay) - len + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, len) == 0) return p;
        hay = p + 1;
    }
    return NULL;
}

static PyObject *str_content, *str_weight;

/* plain_spans(chunk, at, stop, messages, assistant_type) ->
 *   None (the record goes to the full checker), or
 *   (spans: bytes of int64 start/end pairs, kinds: bytes of int8, escaped: tuple of ints)
 * A literal without escapes is spanned between its quotes; one with escapes is spanned
 * whole, quotes included, and its index (in this line's texts) is in `escaped`: the
 * caller decodes it and checks it. */
static PyObject *plain_spans(PyObject *self, PyObject *args) {
    Py_buffer chunk;
    Py_ssize_t at, stop;
    PyObject *messages, *assistant;
    if (!PyArg_ParseTuple(args, "y*nnO!O", &chunk, &at, &stop, &PyList_Type, &messages, &assistant))
        return NULL;
    PyObject *spans = NULL, *kinds = NULL, *escaped = NULL, *escaped_tuple = NULL, *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(messages);
    const char *base = (const char *)chunk.buf;
    if (at < 0 || stop > chunk.len || at > stop || n == 0) goto decline;
    spans = PyBytes_FromStringAndSize(NULL, n * 2 * (Py_ssize_t)sizeof(int64_t));
    kinds = PyBytes_FromStringAndSize(NULL, n);
    escaped = PyList_New(0);
    if (!spans || !kinds || !escaped) goto error;
    int64_t *out = (int64_t *)PyBytes_AS_STRING(spans);
    char *kind = PyBytes_AS_STRING(kinds);
    Py_ssize_t pos = at;
    int trained = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *m = PyList_GET_ITEM(messages, i);
        PyObject *literal = PyObject_GetAttr(m, str_content);
        if (!literal) goto error;
        Py_buffer lit;
        if (PyObject_GetBuffer(literal, &lit, PyBUF_SIMPLE) < 0) {
            Py_DECREF(literal);
            goto error;
        }
        /* The same bytes wherever they are found: the text is the same. */
        const char *found = lit.len >= 2 ? find_bytes(base + pos, (size_t)(stop - pos), lit.buf, (size_t)lit.len) : NULL;
        Py_ssize_t len = lit.len;
        PyBuffer_Release(&lit);
        Py_DECREF(literal);
        if (!found || *found != '"') goto decline; /* not a string: the full checker says why */
        Py_ssize_t start = found - base, end = start + len;
        pos = end;
        int esc = memchr(found, '\\', (size_t)len) != NULL;
        if (esc) {
            PyObject *index = PyLong_FromSsize_t(i);
            int failed = !index || PyList_Append(escaped, index) < 0;
            Py_XDECREF(index);
            if (failed) goto error;
            out[2 * i] = start;
            out[2 * i + 1] = end;
        } else {
            out[2 * i] = start + 1;
            out[2 * i + 1] = end - 1;
        }
        if ((PyObject *)Py_TYPE(m) != assistant) {
            kind[i] = PROMPT;
            continue;
        }
        PyObject *weight = PyObject_GetAttr(m, str_weight);
        if (!weight) goto error;
        long w = PyLong_AsLong(weight);
        Py_DECREF(weight);
        if (w == -1 && PyErr_Occurred()) goto error;
        if (w == 0) {
            kind[i] = UNTRAINED;
        } else if (!esc && len == 2) {
            goto decline; /* an empty trained reply: a warning */
        } else {
            kind[i] = TRAINED;
            trained = 1;
        }
    }
    if (!trained) goto decline;
    escaped_tuple = PyList_AsTuple(escaped);
    if (!escaped_tuple) goto error;
    result = PyTuple_Pack(3, spans, kinds, escaped_tuple);
    Py_DECREF(escaped_tuple);
    goto done;
decline:
    result = Py_NewRef(Py_None);
    goto done;
error:
    result = NULL;
done:
    Py_XDECREF(spans);
    Py_XDECREF(kinds);
    Py_XDECREF(escaped);
    PyBuffer_Release(&chunk);
    return result;
}

/* slices(buf, spans) -> [buf[spans[0]:spans[1]], buf[spans[2]:spans[3]], ...]
 * spans: a buffer of int64 (an array('q')). */
static PyObject *slices(PyObject *self, PyObject *args) {
    Py_buffer buf, spans;
    if (!PyArg_ParseTuple(args, "y*y*", &buf, &spans)) return NULL;
    PyObject *list = NULL;
    if (spans.len % (Py_ssize_t)(2 * sizeof(int64_t)) != 0) {
        PyErr_SetString(PyExc_ValueError, "spans must be int64 start/end pairs");
        goto done;
    }
    Py_ssize_t n = spans.len / (Py_ssize_t)(2 * sizeof(int64_t));
    const int64_t *s = (const int64_t *)spans.buf;
    list = PyList_New(n);
    if (!list) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t a = s[2 * i], b = s[2 * i + 1];
        if (a < 0 || b < a || b > buf.len) {
            PyErr_SetString(PyExc_ValueError, "a span lies outside the buffer");
            Py_CLEAR(list);
            goto done;
        }
        PyObject *item = PyBytes_FromStringAndSize((const char *)buf.buf + a, (Py_ssize_t)(b - a));
        if (!item) {
            Py_CLEAR(list);
            goto done;
        }
        PyList_SET_ITEM(list, i, item);
    }
done:
    PyBuffer_Release(&buf);
    PyBuffer_Release(&spans);
    return list;
}

static PyMethodDef methods[] = {
    {"plain_spans", plain_spans, METH_VARARGS, "Spans and kinds of a plain chat line's contents."},
    {"slices", slices, METH_VARARGS, "The bytes of each span of a buffer."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    str_content = PyUnicode_InternFromString("content");
    str_weight = PyUnicode_InternFromString("weight");
    if (!str_content || !str_weight) return NULL;
    return PyModule_Create(&module);
}
