// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for json.c: structure, separators and escaping.
 */

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static char *render_as(void (*fn)(struct json *j), bool compact)
{
	static char buf[4096];
	struct json j;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (compact)
		json_init_compact(&j, f);
	else
		json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static char *render(void (*fn)(struct json *j))
{
	return render_as(fn, false);
}

static void doc_nested(struct json *j)
{
	json_obj_open(j, NULL);
	json_str(j, "a", "x\"y\\z\n\x01");
	json_arr_open(j, "l");
	json_u64(j, NULL, 1);
	json_i64(j, NULL, -2);
	json_arr_close(j);
	json_arr_open(j, "empty");
	json_arr_close(j);
	json_obj_open(j, "o");
	json_bool(j, "t", true);
	json_null(j, "n");
	json_obj_close(j);
	json_obj_close(j);
	json_end(j);
}

static void doc_top_array(struct json *j)
{
	json_arr_open(j, NULL);
	json_obj_open(j, NULL);
	json_obj_close(j);
	json_arr_close(j);
	json_end(j);
}

int main(void)
{
	const char *want =
		"{\n"
		"  \"a\": \"x\\\"y\\\\z\\n\\u0001\",\n"
		"  \"l\": [\n"
		"    1,\n"
		"    -2\n"
		"  ],\n"
		"  \"empty\": [],\n"
		"  \"o\": {\n"
		"    \"t\": true,\n"
		"    \"n\": null\n"
		"  }\n"
		"}\n";
	char *got = render(doc_nested);
	bool pass;

	ok(!strcmp(got, want), "nested document, escapes, empty array");
	if (strcmp(got, want))
		printf("# got:\n%s", got);
	ok(!strcmp(render(doc_top_array), "[\n  {}\n]\n"), "top-level array");
	got = render_as(doc_nested, true);
	want = "{\"a\":\"x\\\"y\\\\z\\n\\u0001\",\"l\":[1,-2],\"empty\":[],";
	pass = !strncmp(got, want, strlen(want)) &&
	       !strcmp(got + strlen(want), "\"o\":{\"t\":true,\"n\":null}}\n");
	ok(pass, "compact: the same document on one line");
	if (!pass)
		printf("# got: %s", got);
	return tap_done();
}
