// SPDX-License-Identifier: GPL-2.0
/*
 * drlbctl: streaming JSON writer. Output is pretty-printed with two-space
 * indentation, or compact (one line a document: json_init_compact());
 * strings are escaped per RFC 8259.
 */

#include <inttypes.h>
#include <stdlib.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->compact = false;
}

void json_init_compact(struct json *j, FILE *out)
{
	json_init(j, out);
	j->compact = true;
}

static void indent(struct json *j)
{
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* Separator, newline, indentation and key for the next member. */
static void member(struct json *j, const char *key)
{
	if (j->depth > 0 && j->compact) {
		if (!j->first[j->depth])
			fputc(',', j->out);
	} else if (j->depth > 0) {
		fputs(j->first[j->depth] ? "\n" : ",\n", j->out);
		indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		put_escaped(j->out, key);
		fputs(j->compact ? ":" : ": ", j->out);
	}
}

/*
 * Deeper nesting than first[] can track is a bug in the caller: stop
 * rather than write a broken document (it used to index first[-1] on the
 * way back out; found by fuzz/fuzz_json).
 */
static void open_(struct json *j, const char *key, char c)
{
	if (j->depth >= JSON_MAX_DEPTH) {
		fputs("drlbctl: json: nesting deeper than JSON_MAX_DEPTH\n",
		      stderr);
		abort();
	}
	member(j, key);
	fputc(c, j->out);
	j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty && !j->compact) {
		fputc('\n', j->out);
		indent(j);
	}
	fputc(c, j->out);
}

void json_obj_open(struct json *j, const char *key)
{
	open_(j, key, '{');
}

void json_obj_close(struct json *j)
{
	close_(j, '}');
}

void json_arr_open(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void json_arr_close(struct json *j)
{
	close_(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	member(j, key);
	put_escaped(j->out, val);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->out, "%" PRIu64, val);
}

void json_i64(struct json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->out, "%" PRId64, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void json_end(struct json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}
