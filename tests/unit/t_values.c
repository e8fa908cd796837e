/* Value syntaxes: durations, sizes, cpus, commands, ports, volumes. */
#include <stdlib.h>
#include <string.h>

#include "compose/values.h"
#include "t.h"

static const char *dur(const char *in)
{
	static char out[64];
	const char *err;
	int64_t ns;

	if (parse_duration(in, &ns, &err) != 0)
		return "error";
	format_duration(ns, out, sizeof(out));
	return out;
}

static void test_durations(void)
{
	CHECK_STR(dur("1m30s"), "1m30s");
	CHECK_STR(dur("90s"), "1m30s");
	CHECK_STR(dur("1h"), "1h0m0s");
	CHECK_STR(dur("10s"), "10s");
	CHECK_STR(dur("500ms"), "500ms");
	CHECK_STR(dur("1.5s"), "1.5s");
	CHECK_STR(dur("2h45m"), "2h45m0s");
	CHECK_STR(dur("0"), "0s");
	CHECK_STR(dur("1m"), "1m0s");
	CHECK_STR(dur("30"), "error");
	CHECK_STR(dur("5x"), "error");
	CHECK_STR(dur(""), "error");
}

static long long bytes(const char *in)
{
	const char *err;
	int64_t b;

	return parse_bytes(in, &b, &err) == 0 ? b : -1;
}

static void test_bytes(void)
{
	CHECK_INT(bytes("100"), 100);
	CHECK_INT(bytes("2048k"), 2048LL * 1024);
	CHECK_INT(bytes("512m"), 512LL << 20);
	CHECK_INT(bytes("512mb"), 512LL << 20);
	CHECK_INT(bytes("1g"), 1LL << 30);
	CHECK_INT(bytes("1G"), 1LL << 30);
	CHECK_INT(bytes("4Gi"), -1);
	CHECK_INT(bytes("4gib"), 4LL << 30);
	CHECK_INT(bytes("1.5g"), 3LL << 29);
	CHECK_INT(bytes("10x"), -1);
	CHECK_INT(bytes("-1m"), -1);
}

static void test_cpus(void)
{
	const char *err;
	double c;

	CHECK(parse_cpus("0.5", &c, &err) == 0 && c == 0.5);
	CHECK(parse_cpus("2", &c, &err) == 0 && c == 2);
	CHECK(parse_cpus("two", &c, &err) != 0);
}

static void test_shell_split(void)
{
	char **w;
	size_t n;
	const char *err;

	CHECK(shell_split("start --optimized", &w, &n, &err) == 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(w[0], "start");
		CHECK_STR(w[1], "--optimized");
	}
	shell_words_free(w, n);
	CHECK(shell_split("sh -c 'echo \"a b\"' \"x \\\"y\\\"\" z\\ w", &w, &n, &err) == 0);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK_STR(w[2], "echo \"a b\"");
		CHECK_STR(w[3], "x \"y\"");
		CHECK_STR(w[4], "z w");
	}
	shell_words_free(w, n);
	CHECK(shell_split("echo 'unterminated", &w, &n, &err) != 0);
}

static void test_ports(void)
{
	struct port_spec p;
	const char *err;

	CHECK(parse_port("8069", &p, &err) == 0 && p.target_lo == 8069 && p.published_lo == 0);
	CHECK(parse_port("80:8069", &p, &err) == 0 && p.target_lo == 8069 && p.published_lo == 80);
	CHECK(parse_port("127.0.0.1:80:8069/udp", &p, &err) == 0);
	CHECK_STR(p.host_ip, "127.0.0.1");
	CHECK_STR(p.protocol, "udp");
	CHECK(parse_port("[::1]:80:8069", &p, &err) == 0);
	CHECK_STR(p.host_ip, "::1");
	CHECK(parse_port("3000-3002:4000-4002", &p, &err) == 0 && p.target_hi == 4002 && p.published_lo == 3000);
	CHECK(parse_port("8000-8010:80", &p, &err) == 0 && p.published_hi == 8010 && p.target_lo == 80);
	CHECK(parse_port("127.0.0.1::5432", &p, &err) == 0 && p.published_lo == 0 && p.target_lo == 5432);
	CHECK(parse_port("3000-3002:4000-4005", &p, &err) != 0);
	CHECK(parse_port("70000", &p, &err) != 0);
	CHECK(parse_port("abc", &p, &err) != 0);
}

static void test_volumes(void)
{
	struct volume_spec v;
	const char *err;

	CHECK(parse_volume("data:/var/lib/postgresql/data", &v, &err) == 0);
	CHECK_STR(v.source, "data");
	CHECK(!v.bind);
	volume_spec_free(&v);
	CHECK(parse_volume("./conf/odoo.conf:/etc/odoo/odoo.conf:ro", &v, &err) == 0);
	CHECK(v.bind && v.read_only);
	CHECK_STR(v.target, "/etc/odoo/odoo.conf");
	volume_spec_free(&v);
	CHECK(parse_volume("/srv:/srv:rw,z", &v, &err) == 0);
	CHECK(v.bind && !v.read_only);
	CHECK_STR(v.selinux, "z");
	volume_spec_free(&v);
	CHECK(parse_volume("/var/lib/odoo", &v, &err) == 0);
	CHECK(v.source == NULL);
	CHECK_STR(v.target, "/var/lib/odoo");
	volume_spec_free(&v);
	CHECK(parse_volume("cache:/c:nocopy", &v, &err) == 0 && v.nocopy);
	volume_spec_free(&v);
	CHECK(parse_volume("C:\\data:/data", &v, &err) == 0 && v.bind);
	volume_spec_free(&v);
	CHECK(parse_volume("a:/b:bogus", &v, &err) != 0);
	CHECK(parse_volume(":/b", &v, &err) != 0);
}

const struct t_case t_values_cases[] = {
	{"values: durations parse and print as Go does", test_durations},
	{"values: byte sizes with binary units", test_bytes},
	{"values: cpus", test_cpus},
	{"values: command strings split like a shell", test_shell_split},
	{"values: short port syntax, ranges, IPv6, protocol", test_ports},
	{"values: short volume syntax", test_volumes},
	{NULL, NULL},
};
