/* What a paste shows that is not a log line: a Secret's base64 value.
 *
 * A credential made with `echo` (no -n) or --from-file carries a newline the
 * client then sends; the server, which stored the password without it,
 * refuses the login. The value is decoded here, never kept or printed: only
 * the key's name and the fact reach the knowledge base, as one line. */
#include "diagnose/diagnose.h"

#include <stdio.h>
#include <string.h>

#define SECRET_VALUE_MAX 512   /* longer values are certificates or files, not credentials */

static int b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes standard base64 (with its padding) into out; returns the length,
 * or -1 when b64 is not base64. */
static int b64_decode(const char *b64, size_t len, unsigned char *out, size_t cap)
{
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int d = b64_digit(b64[i]);

		if (b64[i] == '=') {
			if (i + 2 < len || (i + 1 < len && b64[i + 1] != '='))
				return -1;
			break;
		}
		if (d < 0)
			return -1;
		acc = (acc << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (int)n;
}

/* A credential with one newline, at its end, and no other control byte. */
static bool ends_in_lone_newline(const unsigned char *v, int n)
{
	if (n < 2 || v[n - 1] != '\n')
		return false;
	for (int i = 0; i < n - 1; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

void dx_observe_secret_value(struct dx_run *run, const char *key, size_t keylen, const char *b64, size_t len,
			     const struct dx_origin *o)
{
	unsigned char value[SECRET_VALUE_MAX];
	char line[256];
	int n, w;

	if (len > SECRET_VALUE_MAX || keylen == 0 || keylen > 100)
		return;
	n = b64_decode(b64, len, value, sizeof(value));
	if (!ends_in_lone_newline(value, n))
		return;
	w = snprintf(line, sizeof(line), "Secret key %.*s decodes to a value that ends in a newline", (int)keylen, key);
	if (w > 0)
		dx_observe(run, line, (size_t)w < sizeof(line) ? (size_t)w : sizeof(line) - 1, o, DX_ANY);
	memset(value, 0, sizeof(value));
}

static bool is_b64_char(char c)
{
	return b64_digit(c) >= 0 || c == '=';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

void dx_secret_line(struct dx_run *run, const char *s, size_t len, const struct dx_origin *o)
{
	size_t i = 0, k0, k1, v0;

	while (i < len && s[i] == ' ')
		i++;
	k0 = i;
	while (i < len && is_key_char(s[i]))
		i++;
	k1 = i;
	if (k1 == k0 || i + 1 >= len || s[i] != ':' || s[i + 1] != ' ')
		return;
	i += 2;
	while (i < len && s[i] == ' ')
		i++;
	v0 = i;
	while (i < len && is_b64_char(s[i]))
		i++;
	if (i != len || i - v0 < 4)
		return;
	dx_observe_secret_value(run, s + k0, k1 - k0, s + v0, i - v0, o);
}
