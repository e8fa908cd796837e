/* The JSON writer: commas, nesting, indentation, escaping, misuse. */
#include <math.h>
#include <string.h>

#include "t.h"
#include "util/json.h"

static void sample_document(struct json *j)
{
	json_object(j);
	json_member_int(j, "a", -1);
	json_key(j, "b");
	json_array(j);
	json_bool(j, true);
	json_str(j, "x\"y\n\x01\xff");
	json_str(j, NULL);
	json_fixed(j, 2.345, 2);
	json_fixed(j, NAN, 1);
	json_end(j);
	json_key(j, "c");
	json_object(j);
	json_end(j);
	json_member_uint(j, "d", 7);
	json_end(j);
}

static void test_json_writer(void)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b, false);
	sample_document(&j);
	CHECK_STR(buf_cstr(&b), "{\"a\":-1,\"b\":[true,\"x\\\"y\\n\\u0001\\ufffd\",null,2.35,null],\"c\":{},\"d\":7}");
	CHECK(!j.failed && !b.failed);
	buf_reset(&b);
	json_init(&j, &b, true);
	sample_document(&j);
	CHECK_STR(buf_cstr(&b), "{\n  \"a\": -1,\n  \"b\": [\n    true,\n    \"x\\\"y\\n\\u0001\\ufffd\",\n    null,\n"
				"    2.35,\n    null\n  ],\n  \"c\": {},\n  \"d\": 7\n}\n");
	buf_free(&b);
}

static void test_json_misuse(void)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b, false);
	json_end(&j);
	CHECK(j.failed && b.failed);
	buf_free(&b);
	b = (struct buf)BUF_INIT;
	json_init(&j, &b, false);
	json_array(&j);
	json_key(&j, "not in an object");
	CHECK(j.failed);
	buf_free(&b);
	b = (struct buf)BUF_INIT;
	json_init(&j, &b, false);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array(&j);
	CHECK(j.failed);
	buf_free(&b);
}

const struct t_case t_json_cases[] = {
	{"json: the writer places commas, nesting, indentation and escapes", test_json_writer},
	{"json: misuse marks the output failed instead of writing bad JSON", test_json_misuse},
	{NULL, NULL},
};
