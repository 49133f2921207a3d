/* The validator's inner loops, in C: an optional speed-up of fastpath.py, scan.py and
 * pending.py, which run the same loops in Python when this module is not built (native.py
 * imports it, and says what runs without it).
 *
 * plain_spans: for a plain chat line msgspec has checked, find each content's raw JSON
 *   literal in the chunk and tell its kind, as fastpath.plain_chat's Python walk does.
 * scan_run: the head start's loop over a chunk's lines (scan.scan_chunk_deferred), for
 *   as long as the lines are plain chat records; it stops at the first line that needs
 *   anything more and leaves that line to the Python loop.
 * count_spans: count each spanned text and sum them per example (PendingTexts.count).
 * is_utf8: whether a buffer is UTF-8 as Python's strict decoder takes it, without
 *   building the str (the head start checks each chunk before spanning its texts).
 *
 * They read only what Python hands them and decide nothing the Python code does not
 * (tests/validation/test_native.py holds them equal to it on fuzzed input).
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

static PyObject *str_content, *str_weight, *str_messages;

/* plain_spans(chunk, at, stop, messages, assistant_type) ->
 *   None (the record goes to the full checker), or
 *   (spans: bytes of uint32 start/end pairs, kinds: bytes of int8, escaped: tuple of ints)
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
    if (at < 0 || stop > chunk.len || at > stop || n == 0 || chunk.len > (Py_ssize_t)UINT32_MAX) goto decline;
    spans = PyBytes_FromStringAndSize(NULL, n * 2 * (Py_ssize_t)sizeof(uint32_t));
    kinds = PyBytes_FromStringAndSize(NULL, n);
    escaped = PyList_New(0);
    if (!spans || !kinds || !escaped) goto error;
    uint32_t *out = (uint32_t *)PyBytes_AS_STRING(spans);
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
            out[2 * i] = (uint32_t)start;
            out[2 * i + 1] = (uint32_t)end;
        } else {
            out[2 * i] = (uint32_t)(start + 1);
            out[2 * i + 1] = (uint32_t)(end - 1);
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

/* A growable buffer of fixed-size items. */
typedef struct { char *data; Py_ssize_t len, cap; } Buf;

static int buf_add(Buf *b, const void *item, Py_ssize_t size) {
    if (b->len + size > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + size) cap *= 2;
        char *data = PyMem_Realloc(b->data, (size_t)cap);
        if (!data) { PyErr_NoMemory(); return -1; }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, item, (size_t)size);
    b->len += size;
    return 0;
}

static int is_blank(const char *p, Py_ssize_t n) { /* bytes.isspace(), or empty */
    for (Py_ssize_t i = 0; i < n; i++)
        if (!(p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r'))) return 0;
    return 1;
}

/* scan_run(lines, i, at, chunk, decode, digest, assistant, specials) ->
 *   (i, at, messages, spans, kinds, escaped, example_lines, fixed, texts, digests)
 * From lines[i] (found at byte `at` of chunk), take each line that is a plain chat record
 * plain_spans would take, whose escapes (if any) are not \u escapes (those may decode to
 * "<|" or a lone surrogate: the Python walk checks them), and, when `specials`, that holds
 * no "<|". Stops at the first other line (blank, anything else): it returns that line's
 * index and place. Outputs are packed for array.frombytes: spans as uint32 pairs (array
 * "I"), kinds int8 ("b"), escaped (text indices from this run's first text), example
 * lines, fixed tokens (4 per message + 3) and text counts as int32 ("i"), line hashes as
 * uint64 ("Q"). */
static PyObject *scan_run(PyObject *self, PyObject *args) {
    PyObject *lines, *decode, *digest, *assistant;
    Py_ssize_t i, at;
    int specials;
    Py_buffer chunk;
    if (!PyArg_ParseTuple(args, "O!nny*OOOp", &PyList_Type, &lines, &i, &at, &chunk, &decode, &digest,
                          &assistant, &specials))
        return NULL;
    Buf spans = {0}, kinds = {0}, escaped = {0}, ex_lines = {0}, fixed = {0}, texts = {0}, digests = {0};
    PyObject *result = NULL;
    long messages = 0, n_texts = 0;
    const char *base = (const char *)chunk.buf;
    Py_ssize_t n_lines = chunk.len > (Py_ssize_t)UINT32_MAX ? 0 : PyList_GET_SIZE(lines);
    for (; i < n_lines; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyBytes_Check(line)) break;
        Py_ssize_t len = PyBytes_GET_SIZE(line), raw_len = len;
        const char *p = PyBytes_AS_STRING(line);
        if (raw_len && p[raw_len - 1] == '\r') raw_len--;
        if (is_blank(p, raw_len) || at + len > chunk.len) break;
        if (specials && find_bytes(p, (size_t)raw_len, "<|", 2)) break;
        PyObject *raw = raw_len == len ? Py_NewRef(line) : PyBytes_FromStringAndSize(p, raw_len);
        if (!raw) goto cleanup;
        PyObject *record = PyObject_CallOneArg(decode, raw);
        if (!record) {
            Py_DECREF(raw);
            if (!PyErr_ExceptionMatches(PyExc_Exception)) goto cleanup;
            PyErr_Clear(); /* not a plain record: the Python loop reports what it is */
            break;
        }
        PyObject *msgs = PyObject_GetAttr(record, str_messages);
        Py_DECREF(record);
        if (!msgs) { Py_DECREF(raw); goto cleanup; }
        Py_ssize_t n = PyList_Check(msgs) ? PyList_GET_SIZE(msgs) : 0;
        /* Walk the messages into the buffers; on a decline, roll the buffers back. */
        Py_ssize_t mark[4] = {spans.len, kinds.len, escaped.len, 0};
        Py_ssize_t pos = at, stop = at + raw_len;
        int trained = 0, ok = n > 0;
        for (Py_ssize_t k = 0; ok && k < n; k++) {
            PyObject *m = PyList_GET_ITEM(msgs, k);
            PyObject *literal = PyObject_GetAttr(m, str_content);
            if (!literal) { Py_DECREF(msgs); Py_DECREF(raw); goto cleanup; }
            Py_buffer lit;
            if (PyObject_GetBuffer(literal, &lit, PyBUF_SIMPLE) < 0) {
                Py_DECREF(literal); Py_DECREF(msgs); Py_DECREF(raw); goto cleanup;
            }
            const char *found = lit.len >= 2 ? find_bytes(base + pos, (size_t)(stop - pos), lit.buf, (size_t)lit.len) : NULL;
            Py_ssize_t llen = lit.len;
            PyBuffer_Release(&lit);
            Py_DECREF(literal);
            if (!found || *found != '"') { ok = 0; break; }
            Py_ssize_t start = found - base, end = start + llen;
            pos = end;
            int esc = memchr(found, '\\', (size_t)llen) != NULL;
            if (esc && find_bytes(found, (size_t)llen, "\\u", 2)) { ok = 0; break; }
            uint32_t span[2] = {(uint32_t)(esc ? start : start + 1), (uint32_t)(esc ? end : end - 1)};
            int32_t index = (int32_t)(n_texts + k);
            if (buf_add(&spans, span, sizeof span) < 0 || (esc && buf_add(&escaped, &index, sizeof index) < 0)) {
                Py_DECREF(msgs); Py_DECREF(raw); goto cleanup;
            }
            signed char kind = PROMPT;
            if ((PyObject *)Py_TYPE(m) == assistant) {
                PyObject *weight = PyObject_GetAttr(m, str_weight);
                if (!weight) { Py_DECREF(msgs); Py_DECREF(raw); goto cleanup; }
                long w = PyLong_AsLong(weight);
                Py_DECREF(weight);
                if (w == -1 && PyErr_Occurred()) { Py_DECREF(msgs); Py_DECREF(raw); goto cleanup; }
                if (w == 0) kind = UNTRAINED;
                else if (!esc && llen == 2) { ok = 0; break; } /* an empty trained reply */
                else { kind = TRAINED; trained = 1; }
            }
            if (buf_add(&kinds, &kind, 1) < 0) { Py_DECREF(msgs); Py_DECREF(raw); goto cleanup; }
        }
        Py_DECREF(msgs);
        if (!ok || !trained) {
            Py_DECREF(raw);
            spans.len = mark[0];
            kinds.len = mark[1];
            escaped.len = mark[2];
            break;
        }
        PyObject *hash = PyObject_CallOneArg(digest, raw);
        Py_DECREF(raw);
        if (!hash) goto cleanup;
        unsigned long long h = PyLong_AsUnsignedLongLong(hash);
        Py_DECREF(hash);
        if (h == (unsigned long long)-1 && PyErr_Occurred()) goto cleanup;
        int32_t lineno = (int32_t)(i + 1), fixed_tokens = (int32_t)(4 * n + 3), count = (int32_t)n;
        if (buf_add(&ex_lines, &lineno, sizeof lineno) < 0 || buf_add(&fixed, &fixed_tokens, sizeof fixed_tokens) < 0 ||
            buf_add(&texts, &count, sizeof count) < 0 || buf_add(&digests, &h, sizeof h) < 0)
            goto cleanup;
        messages += (long)n;
        n_texts += (long)n;
        at += len + 1;
    }
    result = Py_BuildValue("(nnly#y#y#y#y#y#y#)", i, at, messages, spans.data ? spans.data : "", spans.len,
                           kinds.data ? kinds.data : "", kinds.len, escaped.data ? escaped.data : "", escaped.len,
                           ex_lines.data ? ex_lines.data : "", ex_lines.len, fixed.data ? fixed.data : "", fixed.len,
                           texts.data ? texts.data : "", texts.len, digests.data ? digests.data : "", digests.len);
cleanup: /* success falls through here too */
    PyMem_Free(spans.data);
    PyMem_Free(kinds.data);
    PyMem_Free(escaped.data);
    PyMem_Free(ex_lines.data);
    PyMem_Free(fixed.data);
    PyMem_Free(texts.data);
    PyMem_Free(digests.data);
    PyBuffer_Release(&chunk);
    return result;
}

/* count_spans(chunk, blob, spans, escaped, texts, fixed, kinds, count, decode) ->
 *   (lengths: list of int, assistant tokens, trained tokens)
 * PendingTexts.count's loop: each span (of chunk, or of blob past the chunk's end) is
 * counted with count(bytes) (an escaped literal: count(decode(literal))); an example's
 * length is its fixed tokens plus its texts' (texts[e] of them, in order); a text of kind
 * TRAINED adds to both sums, UNTRAINED to the assistant sum. Arrays: spans uint32 pairs,
 * escaped (ascending) / texts / fixed int32, kinds int8. */
static PyObject *count_spans(PyObject *self, PyObject *args) {
    Py_buffer chunk, blob, spans, escaped, texts, fixed, kinds;
    PyObject *count, *decode;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*OO", &chunk, &blob, &spans, &escaped, &texts, &fixed, &kinds,
                          &count, &decode))
        return NULL;
    PyObject *lengths = NULL, *result = NULL;
    const uint32_t *span = spans.buf;
    const int32_t *esc = escaped.buf, *per_example = texts.buf, *fixed_tokens = fixed.buf;
    const signed char *kind = kinds.buf;
    Py_ssize_t n_texts = spans.len / (Py_ssize_t)(2 * sizeof(uint32_t));
    Py_ssize_t n_escaped = escaped.len / (Py_ssize_t)sizeof(int32_t);
    Py_ssize_t n_examples = texts.len / (Py_ssize_t)sizeof(int32_t);
    if (kinds.len != n_texts || fixed.len != texts.len) {
        PyErr_SetString(PyExc_ValueError, "count_spans: arrays of different lengths");
        goto done;
    }
    lengths = PyList_New(n_examples);
    if (!lengths) goto done;
    long long assistant = 0, trained = 0;
    Py_ssize_t t = 0, next_esc = 0;
    for (Py_ssize_t e = 0; e < n_examples; e++) {
        long long total = fixed_tokens[e];
        for (int32_t k = 0; k < per_example[e]; k++, t++) {
            if (t >= n_texts) {
                PyErr_SetString(PyExc_ValueError, "count_spans: more texts than spans");
                goto drop_lengths;
            }
            Py_ssize_t a = span[2 * t], b = span[2 * t + 1];
            const char *src;
            if (a >= chunk.len) {
                src = (const char *)blob.buf;
                a -= chunk.len;
                b -= chunk.len;
                if (b > blob.len) goto out_of_range;
            } else {
                src = (const char *)chunk.buf;
                if (b > chunk.len) goto out_of_range;
            }
            if (a < 0 || b < a) goto out_of_range;
            PyObject *text = PyBytes_FromStringAndSize(src + a, (Py_ssize_t)(b - a));
            if (!text) goto drop_lengths;
            if (next_esc < n_escaped && esc[next_esc] == t) {
                next_esc++;
                PyObject *decoded = PyObject_CallOneArg(decode, text);
                Py_DECREF(text);
                if (!decoded) goto drop_lengths;
                text = decoded;
            }
            PyObject *n = PyObject_CallOneArg(count, text);
            Py_DECREF(text);
            if (!n) goto drop_lengths;
            long long c = PyLong_AsLongLong(n);
            Py_DECREF(n);
            if (c == -1 && PyErr_Occurred()) goto drop_lengths;
            total += c;
            if (kind[t] != PROMPT) assistant += c;
            if (kind[t] == TRAINED) trained += c;
        }
        PyObject *length = PyLong_FromLongLong(total);
        if (!length) goto drop_lengths;
        PyList_SET_ITEM(lengths, e, length);
    }
    result = Py_BuildValue("(OLL)", lengths, assistant, trained); /* its own reference */
    goto drop_lengths;
out_of_range:
    PyErr_SetString(PyExc_ValueError, "count_spans: a span lies outside the chunk and blob");
drop_lengths:
    Py_DECREF(lengths);
done:
    PyBuffer_Release(&chunk);
    PyBuffer_Release(&blob);
    PyBuffer_Release(&spans);
    PyBuffer_Release(&escaped);
    PyBuffer_Release(&texts);
    PyBuffer_Release(&fixed);
    PyBuffer_Release(&kinds);
    return result;
}

/* is_utf8(buf) -> bool: what bytes.decode("utf-8") accepts (no surrogates, no overlong
 * forms, nothing above U+10FFFF), 8 ASCII bytes at a time. */
static PyObject *is_utf8(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    const unsigned char *p = buf.buf, *end = p + buf.len;
    int ok = 1;
    while (p < end) {
        if (end - p >= 8) {
            uint64_t word;
            memcpy(&word, p, 8);
            if (!(word & 0x8080808080808080ULL)) { p += 8; continue; }
        }
        unsigned char c = *p;
        if (c < 0x80) { p++; continue; }
        Py_ssize_t n;
        unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
        if (c >= 0xC2 && c <= 0xDF) n = 2;
        else if (c >= 0xE0 && c <= 0xEF) { n = 3; if (c == 0xE0) lo = 0xA0; else if (c == 0xED) hi = 0x9F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 4; if (c == 0xF0) lo = 0x90; else if (c == 0xF4) hi = 0x8F; }
        else { ok = 0; break; }
        if (end - p < n || p[1] < lo || p[1] > hi) { ok = 0; break; }
        for (Py_ssize_t k = 2; k < n; k++)
            if ((p[k] & 0xC0) != 0x80) { ok = 0; break; }
        if (!ok) break;
        p += n;
    }
    PyBuffer_Release(&buf);
    return PyBool_FromLong(ok);
}

static PyMethodDef methods[] = {
    {"plain_spans", plain_spans, METH_VARARGS, "Spans and kinds of a plain chat line's contents."},
    {"count_spans", count_spans, METH_VARARGS, "Token counts of a chunk's spanned texts, per example."},
    {"scan_run", scan_run, METH_VARARGS, "The head start's loop over plain chat lines."},
    {"is_utf8", is_utf8, METH_VARARGS, "Whether a buffer is valid UTF-8."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    str_content = PyUnicode_InternFromString("content");
    str_weight = PyUnicode_InternFromString("weight");
    str_messages = PyUnicode_InternFromString("messages");
    if (!str_content || !str_weight || !str_messages) return NULL;
    return PyModule_Create(&module);
}
