// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for json.c, the writer behind drlbctl -j: the input is
 * a program of writer calls (open/close object or array, string, numbers,
 * booleans, null) with keys and strings taken from the input; the output
 * must be one valid JSON document (checked by a strict RFC 8259 reader
 * below) whatever the strings hold.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"

/* ---- a strict JSON reader: returns the end of a value, or NULL ---------- */

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *value(const char *p, int depth);

static const char *string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p++;

		if (c == '"')
			return p;
		if (c < 0x20)
			return NULL;
		if (c != '\\')
			continue;
		c = (unsigned char)*p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, p++)
				if (!strchr("0123456789abcdefABCDEF", *p) || !*p)
					return NULL;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return NULL;
		}
	}
}

static const char *number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		return p + 1;
	if (*p < '1' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

static const char *container(const char *p, char close, int depth, int keyed)
{
	p = ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			p = string(p);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = value(ws(p), depth + 1);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
		p = ws(p);
	}
}

static const char *value(const char *p, int depth)
{
	if (depth > 200)
		return NULL;
	switch (*p) {
	case '{':
		return container(p, '}', depth, 1);
	case '[':
		return container(p, ']', depth, 0);
	case '"':
		return string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return number(p);
	}
}

/* ---- the program ---------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n;
};

static int byte(struct in *in)
{
	if (!in->n)
		return -1;
	in->n--;
	return *in->p++;
}

/* A NUL-terminated string of up to 15 input bytes (NULs end it early). */
static void str(struct in *in, char *buf)
{
	int len = byte(in), i;

	len = len < 0 ? 0 : len % 16;
	for (i = 0; i < len && in->n; i++) {
		buf[i] = (char)byte(in);
		if (!buf[i])
			break;
	}
	buf[i] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	char *buf = NULL, key[16], val[16];
	size_t len = 0;
	/* What is open at each depth: 0 none (top level), 1 object, 2 array. */
	char kind[128] = { 0 };
	int depth = 0, op, done = 0;
	struct json j;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	json_init(&j, f);
	/* The document is one object; within it, up to 100 members. */
	json_obj_open(&j, NULL);
	kind[++depth] = 1;
	for (int steps = 0; steps < 100 && (op = byte(&in)) >= 0; steps++) {
		const char *k = NULL;

		if (kind[depth] == 1) {
			str(&in, key);
			k = key;
		}
		switch (op % 9) {
		case 0:
		case 1:
			/* depth counts the outer object, json.h's does not */
			if (depth >= JSON_MAX_DEPTH)
				break;
			if (op % 9 == 0)
				json_obj_open(&j, k);
			else
				json_arr_open(&j, k);
			kind[++depth] = op % 9 == 0 ? 1 : 2;
			break;
		case 2:
			if (depth == 1)
				break;
			if (kind[depth] == 1)
				json_obj_close(&j);
			else
				json_arr_close(&j);
			depth--;
			break;
		case 3:
			str(&in, val);
			json_str(&j, k, val);
			break;
		case 4:
			json_u64(&j, k, (uint64_t)byte(&in) << 56 | (uint64_t)op);
			break;
		case 5:
			json_i64(&j, k, -(int64_t)byte(&in) * 1000003);
			break;
		case 6:
			json_bool(&j, k, op & 16);
			break;
		case 7:
			json_null(&j, k);
			break;
		case 8:
			done = 1;
			break;
		}
		if (done)
			break;
	}
	while (depth > 0) {
		if (kind[depth] == 1)
			json_obj_close(&j);
		else
			json_arr_close(&j);
		depth--;
	}
	json_end(&j);
	fclose(f);

	const char *end = value(ws(buf), 0);

	if (!end || *ws(end)) {
		fprintf(stderr, "fuzz_json: invalid JSON written:\n%s\n", buf);
		abort();
	}
	free(buf);
	return 0;
}
