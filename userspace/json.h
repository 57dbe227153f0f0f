/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: a small streaming JSON writer for -j output (stdout).
 * Keys are NULL inside arrays and at the top level.
 */
#ifndef DRLBCTL_JSON_H
#define DRLBCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Objects and arrays nest at most this deep (deeper aborts). */
#define JSON_MAX_DEPTH	31

struct json {
	FILE *out;
	int depth;
	bool first[JSON_MAX_DEPTH + 1];	/* no member written yet at this depth */
	bool compact;			/* no newlines or indentation */
};

void json_init(struct json *j, FILE *out);
/* The same, for one-line documents (drlbctl monitor -j). */
void json_init_compact(struct json *j, FILE *out);
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* Ends the document with a newline (call at depth 0). */
void json_end(struct json *j);

#endif /* DRLBCTL_JSON_H */
